#include "graph/target.hpp"

#include "util/error.hpp"

#include <charconv>
#include <limits>
#include <string_view>

namespace trellis {

namespace {

std::optional<int> parse_count(std::string_view digits, const std::string& target) {
    int value = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error == std::errc::result_out_of_range && end == digits.data() + digits.size())
        throw input_error("bad relative step in target `{}`: {} is too large (at most {})", target, digits,
                          std::numeric_limits<int>::max());
    if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty())
        return std::nullopt;
    return value;
}

} // namespace

Target parse_target(const std::string& text) {
    if (text.empty())
        throw input_error("empty target: use heads, head, base, <label>@head, a revision id, +N or -N");
    Target target;
    target.text = text;
    std::string_view rest = text;
    if (auto at = rest.find('@'); at != std::string_view::npos) {
        target.label = std::string(rest.substr(0, at));
        rest.remove_prefix(at + 1);
    }
    auto sign = rest.find_first_of("+-");
    if (sign != std::string_view::npos) {
        auto count = parse_count(rest.substr(sign + 1), text);
        if (!count || *count == 0)
            throw input_error("bad relative step in target `{}`: expected +N or -N with N > 0", text);
        target.step = rest[sign] == '+' ? *count : -*count;
        rest = rest.substr(0, sign);
    }
    target.word = std::string(rest);
    using Kind = Target::Kind;
    if (rest == "heads")
        target.kind = Kind::heads;
    else if (rest == "head")
        target.kind = Kind::head;
    else if (rest == "base")
        target.kind = Kind::base;
    else if (rest == "current" || (rest.empty() && target.step != 0))
        target.kind = Kind::current;
    return target;
}

std::optional<TargetRange> parse_range(const std::string& text) {
    auto colon = text.find(':');
    if (colon == std::string::npos)
        return std::nullopt;
    if (text.find(':', colon + 1) != std::string::npos)
        throw input_error("bad range `{}`: expected A:B (either side may be empty)", text);
    TargetRange range;
    if (auto lower = text.substr(0, colon); !lower.empty())
        range.lower = parse_target(lower);
    if (auto upper = text.substr(colon + 1); !upper.empty())
        range.upper = parse_target(upper);
    return range;
}

std::vector<Target> parse_targets(Direction direction, const std::vector<std::string>& texts) {
    bool up = direction == Direction::upgrade;
    if (!up && texts.empty())
        throw input_error("downgrade needs a target: a revision, <label>@base, base, -1, ...");
    if (!up && texts.size() != 1)
        throw input_error("downgrade takes one target (a revision, <label>@base, base or -N)");
    std::vector<Target> targets;
    for (const auto& text : texts.empty() ? std::vector<std::string>{"heads"} : texts) {
        if (parse_range(text))
            throw input_error("the range `{}` is for a SQL script: `trellis {} {} --sql` (Alembic's offline mode); "
                              "online, name the target alone",
                              text, up ? "upgrade" : "downgrade", text);
        targets.push_back(parse_target(text));
    }
    return targets;
}

} // namespace trellis
