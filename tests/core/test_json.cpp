// JSON reader and writer (core/json.hpp): RFC 8259's grammar accepted and its violations
// refused (samples in the style of JSONTestSuite's y_/n_ cases), escapes and UTF-8, duplicate
// names, depth and size limits, and write-then-parse round trips.
#include <qkdnq/core/json.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace json = qkdnq::json;

TEST_CASE("json: valid documents parse to the values they spell", "[core][json]") {
    const auto doc = json::parse(R"( {"number": 2, "size": 256, "ids": ["a", "b"], "x": {"y": [true, false, null]},
                                      "neg": -1.5e+3, "zero": 0, "s": "\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"} )");
    REQUIRE(doc.ok());
    CHECK(doc->find("number")->as_uint64() == 2u);
    CHECK(doc->find("size")->as_uint64() == 256u);
    CHECK(doc->find("ids")->as_array().size() == 2);
    CHECK(doc->find("ids")->as_array()[1].text() == "b");
    CHECK(doc->find("x")->find("y")->as_array()[0].as_bool());
    CHECK(doc->find("x")->find("y")->as_array()[2].is_null());
    CHECK(doc->find("neg")->text() == "-1.5e+3");
    CHECK_FALSE(doc->find("neg")->as_uint64().has_value());
    CHECK(doc->find("zero")->as_uint64() == 0u);
    CHECK(doc->find("s")->text() == "\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
    CHECK(doc->find("missing") == nullptr);
    for (const char* ok : {"0", "-0", "1e5", "[]", "{}", "\"\"", " [ 1 , 2 ] ", "\"\xe2\x82\xac\"", "18446744073709551615"}) {
        INFO(ok);
        CHECK(json::parse(ok).ok());
    }
    CHECK(json::parse("18446744073709551615")->as_uint64() == UINT64_MAX);
    CHECK_FALSE(json::parse("18446744073709551616")->as_uint64().has_value());
}

TEST_CASE("json: what RFC 8259 does not allow is refused", "[core][json]") {
    for (const char* bad : {"", " ", "{", "[1,]", "{\"a\":1,}", "[01]", "[1.]", "[.5]", "[1e]", "[+1]", "[-]", "tru", "nul",
                            "{'a':1}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "[1] 2", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
                            "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"a\tb\"", "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
                            "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"", "{\"a\":1,\"a\":2}", "[1]//", "/*x*/1", "NaN", "[Infinity]"}) {
        INFO(bad);
        CHECK(json::parse(bad).error() == qkdnq::status::malformed_message);
    }
}

TEST_CASE("json: depth and size limits", "[core][json]") {
    std::string deep(33, '[');
    deep += std::string(33, ']');
    CHECK_FALSE(json::parse(deep).ok());
    std::string fine(32, '[');
    fine += std::string(32, ']');
    CHECK(json::parse(fine).ok());
    CHECK_FALSE(json::parse("[1,2,3]", {6, 32}).ok());
    CHECK(json::parse("[1,2,3]", {7, 32}).ok());
}

TEST_CASE("json: writing then parsing gives the same value", "[core][json]") {
    json::value v = json::value::object();
    v.add("key_ID", json::value::string("bc490419-7d60-487f-adc1-4ddcc177c139"));
    v.add("ctrl", json::value::string(std::string("a\x01\x1f\"\\\n", 6)));
    v.add("n", json::value::number(18446744073709551615ull));
    v.add("list", json::value::array({json::value::boolean(true), json::value(), json::value::object()}));
    const std::string text = json::to_string(v);
    CHECK(text == R"({"key_ID":"bc490419-7d60-487f-adc1-4ddcc177c139","ctrl":"a\u0001\u001f\"\\\n","n":18446744073709551615,"list":[true,null,{}]})");
    const auto back = json::parse(text);
    REQUIRE(back.ok());
    CHECK(back.value() == v);
    CHECK_THROWS_AS(v.find("n")->as_array(), qkdnq::invalid_state);
}
