#include "sql/node.hpp"

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace trellis::sql {

namespace {
const Node k_null;
} // namespace

// A recursive-descent reader of the JSON that libpg_query writes (UTF-8, \uXXXX escapes).
class JsonReader {
public:
    explicit JsonReader(std::string_view text)
        : m_text(text) {}

    Node value() {
        space();
        Node node;
        if (m_pos >= m_text.size())
            fail();
        char c = m_text[m_pos];
        if (c == '{') {
            node.m_kind = Node::Kind::object;
            ++m_pos;
            if (!accept('}')) {
                do {
                    space();
                    node.m_keys.push_back(string());
                    space();
                    expect(':');
                    node.m_items.push_back(value());
                } while (accept(','));
                expect('}');
            }
        } else if (c == '[') {
            node.m_kind = Node::Kind::array;
            ++m_pos;
            if (!accept(']')) {
                do
                    node.m_items.push_back(value());
                while (accept(','));
                expect(']');
            }
        } else if (c == '"') {
            node.m_kind = Node::Kind::string;
            node.m_text = string();
        } else if (m_text.compare(m_pos, 4, "true") == 0 || m_text.compare(m_pos, 5, "false") == 0) {
            node.m_kind = Node::Kind::boolean;
            node.m_text = c == 't' ? "true" : "false";
            m_pos += c == 't' ? 4 : 5;
        } else if (m_text.compare(m_pos, 4, "null") == 0) {
            m_pos += 4;
        } else {
            node.m_kind = Node::Kind::number;
            auto begin = m_pos;
            while (m_pos < m_text.size() &&
                   (std::isdigit(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '-' ||
                    m_text[m_pos] == '.' || m_text[m_pos] == 'e' || m_text[m_pos] == 'E' || m_text[m_pos] == '+'))
                ++m_pos;
            if (begin == m_pos)
                fail();
            node.m_text = m_text.substr(begin, m_pos - begin);
        }
        return node;
    }

    void end() {
        space();
        if (m_pos != m_text.size())
            fail();
    }

private:
    [[noreturn]] void fail() const {
        throw std::runtime_error("malformed parse tree at byte " + std::to_string(m_pos));
    }
    void space() {
        while (m_pos < m_text.size() &&
               (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' || m_text[m_pos] == '\t' || m_text[m_pos] == '\r'))
            ++m_pos;
    }
    bool accept(char c) {
        space();
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!accept(c))
            fail();
    }
    static void utf8(unsigned code, std::string& out) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    }
    std::string string() {
        expect('"');
        std::string out;
        while (m_pos < m_text.size() && m_text[m_pos] != '"') {
            char c = m_text[m_pos++];
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_text.size())
                fail();
            char e = m_text[m_pos++];
            switch (e) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'u': {
                unsigned code = 0;
                if (m_pos + 4 > m_text.size())
                    fail();
                std::from_chars(m_text.data() + m_pos, m_text.data() + m_pos + 4, code, 16);
                m_pos += 4;
                utf8(code, out); // surrogate pairs do not occur in identifiers and keywords
                break;
            }
            default:
                out += e;
            }
        }
        expect('"');
        return out;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

const Node& Node::operator[](std::string_view key) const {
    for (std::size_t i = 0; i < m_keys.size(); ++i)
        if (m_keys[i] == key)
            return m_items[i];
    return k_null;
}

long Node::number() const {
    long value = 0;
    if (m_kind == Kind::number)
        std::from_chars(m_text.data(), m_text.data() + m_text.size(), value);
    return value;
}

std::string_view Node::tag() const {
    return m_kind == Kind::object && m_keys.size() == 1 ? std::string_view(m_keys[0]) : std::string_view();
}

const Node& Node::inner() const {
    return m_kind == Kind::object && m_keys.size() == 1 ? m_items[0] : k_null;
}

Node Node::parse(std::string_view json) {
    JsonReader reader(json);
    auto node = reader.value();
    reader.end();
    return node;
}

std::string text_of(const Node& node) {
    return std::string(node.str());
}

std::string last_name(const Node& names) {
    auto items = names.items();
    return items.empty() ? "" : text_of(items.back()["String"]["sval"]);
}

std::string relation_name(const Node& range_var) {
    return text_of(range_var["relname"]);
}

} // namespace trellis::sql
