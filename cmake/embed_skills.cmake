# Turns the built-in skill YAML files into one C++ source file, so the `hark`
# binary carries its skills and runs from any directory.
# Inputs: OUT (the .cc to write), FILES (a ;-separated list of YAML files).
set(body "// Generated from skills/*.yaml by cmake/embed_skills.cmake. Do not edit.\n")
string(APPEND body "#include \"skills/builtin.h\"\n\nnamespace hark::skills {\n\n")
string(APPEND body "const std::vector<EmbeddedFile>& builtin_skill_files() {\n")
string(APPEND body "  static const std::vector<EmbeddedFile> files = {\n")
foreach(f IN LISTS FILES)
  file(READ "${f}" content)
  get_filename_component(name "${f}" NAME)
  string(APPEND body "    {\"builtin:${name}\", R\"hark_yaml(${content})hark_yaml\"},\n")
endforeach()
string(APPEND body "  };\n  return files;\n}\n\n}  // namespace hark::skills\n")
file(WRITE "${OUT}.tmp" "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
