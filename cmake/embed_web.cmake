# Turns the web client's files (web/) into one C++ source file, so `hark serve` carries the
# client and serves it at GET / from any directory. Each file becomes a byte array (any
# content, also binary, is safe) with an ETag made of its SHA-256.
# Inputs: OUT (the .cc to write), ROOT (the web/ directory), FILES (a ;-separated list).
set(body "// Generated from web/ by cmake/embed_web.cmake. Do not edit.\n")
string(APPEND body "#include \"server/static_files.h\"\n\nnamespace hark::server {\n\nnamespace {\n\n")
set(table "")
set(i 0)
foreach(f IN LISTS FILES)
  file(READ "${f}" hex HEX)
  file(SHA256 "${f}" sha)
  string(SUBSTRING "${sha}" 0 32 etag)
  file(RELATIVE_PATH rel "${ROOT}" "${f}")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "const unsigned char file${i}[] = {${bytes}};\n")
  string(APPEND table "    {\"/${rel}\", \"\\\"${etag}\\\"\", "
                      "{reinterpret_cast<const char*>(file${i}), sizeof file${i}}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "\n}  // namespace\n\nstd::span<const EmbeddedAsset> embedded_assets() {\n")
string(APPEND body "  static const EmbeddedAsset assets[] = {\n${table}  };\n  return assets;\n}\n\n")
string(APPEND body "}  // namespace hark::server\n")
file(WRITE "${OUT}.tmp" "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
