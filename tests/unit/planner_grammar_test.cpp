// The target grammar (graph/planner.hpp), parsed without a graph: each form of SPEC.md's
// "Targets" and Alembic's A:B ranges become one value; counts are checked once.
#include "graph/planner.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <functional>

using namespace trellis;
using Kind = Target::Kind;

namespace {

std::string refusal(const std::function<void()>& parse) {
    try {
        parse();
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::bad_input);
        return e.what();
    }
    FAIL("parsed");
    return "";
}

} // namespace

TEST_SUITE("planner_grammar") {
    TEST_CASE("every form of a target parses into label, kind, word and step") {
        struct Form {
            std::string text;
            std::optional<std::string> label;
            Kind kind;
            std::string word;
            int step;
            bool down_only;
        };
        for (const auto& f : std::vector<Form>{{"heads", {}, Kind::heads, "heads", 0, false},
                                               {"head", {}, Kind::head, "head", 0, false},
                                               {"base", {}, Kind::base, "base", 0, true},
                                               {"current", {}, Kind::current, "current", 0, false},
                                               {"4c1a9e2b7f30", {}, Kind::revision, "4c1a9e2b7f30", 0, false},
                                               {"panels@head", "panels", Kind::head, "head", 0, false},
                                               {"panels@heads", "panels", Kind::heads, "heads", 0, false},
                                               {"panels@base", "panels", Kind::base, "base", 0, true},
                                               {"panels@4c1a", "panels", Kind::revision, "4c1a", 0, false},
                                               {"+2", {}, Kind::current, "", 2, false},
                                               {"-1", {}, Kind::current, "", -1, true},
                                               {"panels@+1", "panels", Kind::current, "", 1, false},
                                               {"panels@-2", "panels", Kind::current, "", -2, true},
                                               {"4c1a+3", {}, Kind::revision, "4c1a", 3, false}}) {
            CAPTURE(f.text);
            auto t = parse_target(f.text);
            CHECK(t.text == f.text);
            CHECK(t.label == f.label);
            CHECK(t.kind == f.kind);
            CHECK(t.word == f.word);
            CHECK(t.step == f.step);
            CHECK(t.down_only() == f.down_only);
        }
    }

    TEST_CASE("ranges: either side may be empty, one colon only") {
        auto both = parse_range("4c1a:panels@head");
        REQUIRE(both);
        CHECK(both->lower->word == "4c1a");
        CHECK(both->upper->label == "panels");
        auto open = parse_range(":heads");
        REQUIRE(open);
        CHECK_FALSE(open->lower);
        CHECK(open->upper->kind == Kind::heads);
        CHECK_FALSE(parse_range(":")->upper);
        CHECK_FALSE(parse_range("heads"));
        CHECK(refusal([] { parse_range("a:b:c"); }) == "bad range `a:b:c`: expected A:B (either side may be empty)");
    }

    TEST_CASE("the target count is checked once: downgrade takes one, upgrade any, a range is offline only") {
        CHECK(parse_targets(Direction::upgrade, {}).front().kind == Kind::heads);
        CHECK(parse_targets(Direction::upgrade, {"a1", "b1"}).size() == 2);
        CHECK(refusal([] { parse_targets(Direction::downgrade, {}); }).starts_with("downgrade needs a target"));
        CHECK(refusal([] {
                  parse_targets(Direction::downgrade, {"a1", "base"});
              }).starts_with("downgrade takes one target"));
        CHECK(refusal([] {
                  parse_targets(Direction::upgrade, {"base:heads"});
              }).starts_with("the range `base:heads` is for a SQL script"));
        CHECK(refusal([] { parse_target(""); }).starts_with("empty target"));
        CHECK(refusal([] { parse_target("+0"); }).starts_with("bad relative step in target `+0`"));
        CHECK(refusal([] { parse_target("-99999999999"); }).find("is too large") != std::string::npos);
    }
}
