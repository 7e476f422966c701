#include "revision/create_date.hpp"

#include <fmt/format.h>

namespace trellis {

namespace {

// Reads a run of exactly `digits` decimal digits at `at`; false when there is none.
bool number(std::string_view s, std::size_t& at, int digits, int& value) {
    if (at + static_cast<std::size_t>(digits) > s.size())
        return false;
    value = 0;
    for (int k = 0; k < digits; ++k) {
        char c = s[at + static_cast<std::size_t>(k)];
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    at += static_cast<std::size_t>(digits);
    return true;
}

bool take(std::string_view s, std::size_t& at, char c) {
    if (at < s.size() && s[at] == c) {
        ++at;
        return true;
    }
    return false;
}

int days_in(int year, int month) {
    constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : k_days[month - 1];
}

std::string time_problem(std::string_view s, std::size_t at) {
    int hour = 0, minute = 0, second = 0;
    if (!number(s, at, 2, hour) || !take(s, at, ':') || !number(s, at, 2, minute))
        return "expected a time HH:MM[:SS] after the date";
    if (take(s, at, ':') && !number(s, at, 2, second))
        return "expected two digits of seconds";
    if (take(s, at, '.')) {
        auto digits = at;
        while (at < s.size() && s[at] >= '0' && s[at] <= '9')
            ++at;
        if (at == digits)
            return "expected digits after the decimal point";
    }
    if (hour > 23)
        return fmt::format("hour {} does not exist", hour);
    if (minute > 59)
        return fmt::format("minute {} does not exist", minute);
    if (second > 60) // 60: a leap second
        return fmt::format("second {} does not exist", second);
    if (take(s, at, 'Z') || at == s.size())
        return at == s.size() ? "" : "unexpected text after the time";
    if (!take(s, at, '+') && !take(s, at, '-'))
        return "unexpected text after the time (expected Z or an offset such as +02:00)";
    int offset_hours = 0, offset_minutes = 0;
    if (!number(s, at, 2, offset_hours) || !take(s, at, ':') || !number(s, at, 2, offset_minutes) || at != s.size() ||
        offset_hours > 23 || offset_minutes > 59)
        return "malformed offset (expected +HH:MM or -HH:MM)";
    return "";
}

} // namespace

std::string create_date_problem(std::string_view s) {
    std::size_t at = 0;
    int year = 0, month = 0, day = 0;
    if (!number(s, at, 4, year) || !take(s, at, '-') || !number(s, at, 2, month) || !take(s, at, '-') ||
        !number(s, at, 2, day))
        return "expected a date YYYY-MM-DD";
    if (month < 1 || month > 12)
        return fmt::format("month {} does not exist", month);
    if (day < 1 || day > days_in(year, month))
        return fmt::format("{:04}-{:02} has no day {}", year, month, day);
    if (at == s.size())
        return "";
    if (!take(s, at, 'T') && !take(s, at, ' '))
        return "unexpected text after the date (expected T or a space, then the time)";
    return time_problem(s, at);
}

} // namespace trellis
