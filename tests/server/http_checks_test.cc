#include "common/utf8.h"
#include "server/errors.h"
#include "server/http_checks.h"

#include <gtest/gtest.h>

namespace hark::server {
namespace {

TEST(TransferEncoding, OnlyASingleChunkedIsAccepted) {
  EXPECT_FALSE(transfer_encoding_problem({}, false));
  EXPECT_FALSE(transfer_encoding_problem({}, true));
  EXPECT_FALSE(transfer_encoding_problem({"chunked"}, false));
  EXPECT_FALSE(transfer_encoding_problem({" Chunked "}, false));
  // Issue 11: "chunked, gzip" was read as no body, the body then as a second request.
  EXPECT_TRUE(transfer_encoding_problem({"chunked, gzip"}, false));
  EXPECT_TRUE(transfer_encoding_problem({"gzip, chunked"}, false));
  EXPECT_TRUE(transfer_encoding_problem({"gzip"}, false));
  EXPECT_TRUE(transfer_encoding_problem({"identity"}, false));
  EXPECT_TRUE(transfer_encoding_problem({""}, false));
  EXPECT_TRUE(transfer_encoding_problem({"chunked", "chunked"}, false));
  EXPECT_TRUE(transfer_encoding_problem({"chunked"}, true));  // with Content-Length
  EXPECT_TRUE(transfer_encoding_problem({"chunked\x01"}, false));
}

TEST(WebSocketKey, MustBeBase64Of16Bytes) {
  EXPECT_TRUE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ=="));  // RFC 6455's example
  EXPECT_FALSE(valid_websocket_key(""));
  EXPECT_FALSE(valid_websocket_key("   "));
  EXPECT_FALSE(valid_websocket_key("abc"));
  EXPECT_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ="));    // 23 characters
  EXPECT_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ==="));  // 25
  EXPECT_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZ!=="));   // not base64
  EXPECT_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZUFB"));   // 18 bytes
}

TEST(ClientAddress, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  // Off by default: the header is anyone's to write.
  EXPECT_EQ(client_address("198.51.100.7", "203.0.113.1", {}), "198.51.100.7");
  const std::vector<std::string> proxies = {"10.0.0.1", "10.0.0.2"};
  EXPECT_EQ(client_address("198.51.100.7", "203.0.113.1", proxies), "198.51.100.7");
  EXPECT_EQ(client_address("10.0.0.1", "203.0.113.1", proxies), "203.0.113.1");
  // The nearest untrusted hop: a client's own forged entries further left do not count.
  EXPECT_EQ(client_address("10.0.0.1", "1.2.3.4, 203.0.113.1, 10.0.0.2", proxies), "203.0.113.1");
  EXPECT_EQ(client_address("10.0.0.1", "", proxies), "10.0.0.1");
  EXPECT_EQ(client_address("10.0.0.1", "not-an-address", proxies), "10.0.0.1");
  EXPECT_EQ(client_address("10.0.0.1", " 2001:db8::1 ", proxies), "2001:db8::1");
}

TEST(Utf8Prefix, NeverCutsInsideACharacter) {
  EXPECT_EQ(utf8_prefix("hello", 10), "hello");
  EXPECT_EQ(utf8_prefix("hello", 3), "hel");
  const std::string s = "ab\xC3\xA9";  // "abé": é is two bytes
  EXPECT_EQ(utf8_prefix(s, 3), "ab");
  EXPECT_EQ(utf8_prefix(s, 4), s);
  const std::string euro = "\xE2\x82\xAC\xE2\x82\xAC";  // "€€"
  EXPECT_EQ(utf8_prefix(euro, 5), "\xE2\x82\xAC");
  EXPECT_EQ(utf8_prefix(euro, 2), "");
  const std::string emoji = "x\xF0\x9F\x98\x80";  // "x😀"
  for (std::size_t n = 1; n < 5; ++n) EXPECT_EQ(utf8_prefix(emoji, n), "x") << n;
}

TEST(ClientDetail, StoreWordsNeverReachTheClient) {
  Error sql{Errc::internal, "database error while running a statement: no such table: users"};
  EXPECT_EQ(client_detail(sql).find("table"), std::string::npos);
  auto body = http_error_body(sql);
  EXPECT_EQ(std::string(body["detail"].as_string()).find("table"), std::string::npos);
  Error busy{Errc::unavailable, "store: database error while executing SQL: database is locked"};
  EXPECT_EQ(client_detail(busy).find("database"), std::string::npos);
  Error field{Errc::invalid_field, "\"text\" is required."};
  EXPECT_EQ(client_detail(field), field.detail);  // written for the client: kept
}

}  // namespace
}  // namespace hark::server
