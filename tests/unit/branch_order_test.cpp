// The plugin dependency order (graph/branch_order.cpp), called directly: parents before children,
// among siblings the larger subtree first, then the name; the same answer whatever order the
// specs come in; errors that name the source that declared the plugin.
#include "graph/branch_order.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace trellis;

namespace {

BranchSpec spec(const std::string& label, std::vector<std::string> depends = {}) {
    return {label, std::move(depends), "/nowhere/" + label, "lib" + label + ".so"};
}

std::vector<std::string> order_of(const std::vector<BranchSpec>& specs) {
    std::vector<std::string> labels;
    for (int i : order_branches(specs))
        labels.push_back(specs[i].label);
    return labels;
}

// The message of the error `specs` make.
std::string refusal(const std::vector<BranchSpec>& specs) {
    try {
        order_branches(specs);
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::bad_input);
        return e.what();
    }
    FAIL("no error");
    return "";
}

} // namespace

TEST_SUITE("branch_order") {
    TEST_CASE("the demo's tree: parents first, the larger subtree first, then by name") {
        std::vector<BranchSpec> specs{
            spec("mivs", {"uber"}),     spec("tabletop", {"panels"}), spec("uber"),
            spec("magprime", {"uber"}), spec("guests", {"panels"}),   spec("panels", {"uber"})};
        auto expected = std::vector<std::string>{"uber", "panels", "guests", "tabletop", "magprime", "mivs"};
        CHECK(order_of(specs) == expected);
        // Whatever order the specs are listed in.
        std::sort(specs.begin(), specs.end(), [](auto& a, auto& b) { return a.label < b.label; });
        do {
            CHECK(order_of(specs) == expected);
        } while (
            std::next_permutation(specs.begin(), specs.end(), [](auto& a, auto& b) { return a.label < b.label; }) &&
            specs.front().label < "h"); // a few hundred permutations, not all 720
    }

    TEST_CASE("a plugin with two parents comes after both; independent roots are ordered by subtree, then name") {
        auto order = order_of({spec("b"), spec("a"), spec("z"), spec("child", {"z", "a"}), spec("leaf", {"z"})});
        CHECK(order.size() == 5);
        auto at = [&](const std::string& label) {
            return std::find(order.begin(), order.end(), label) - order.begin();
        };
        CHECK(at("z") < at("child"));
        CHECK(at("a") < at("child"));
        CHECK(at("z") < at("leaf"));
        CHECK(order.front() == "z"); // the largest subtree (child and leaf)
        CHECK(at("a") < at("b"));
    }

    TEST_CASE("an unknown dependency, a cycle and a label declared twice are refused naming their source") {
        auto unknown = refusal({spec("uber"), spec("panels", {"uber", "nope"})});
        CHECK(unknown == "plugin `panels` (libpanels.so) depends on `nope`, which is not loaded");
        auto cycle = refusal({spec("a", {"b"}), spec("b", {"a"}), spec("c")});
        CHECK(cycle.starts_with("plugin dependency cycle: "));
        CHECK(cycle.find("a") != std::string::npos);
        CHECK(cycle.find("b") != std::string::npos);
        auto twice = refusal({spec("uber"), BranchSpec{"uber", {}, "/elsewhere", "trellis.ini [plugin.uber]"}});
        CHECK(twice == "plugin `uber` is declared twice: by libuber.so and by trellis.ini [plugin.uber]");
        CHECK(order_of({}).empty());
    }
}
