#include "revision/revision.hpp"

#include "revision/revision_file.hpp"

#include <fmt/format.h>
#include <stdexcept>

namespace trellis {

void Revision::require_sql() const {
    if (!has_sql)
        throw std::logic_error(fmt::format("revision {} was loaded without its SQL", id));
}

void Revision::drop_sql() {
    body = {};
    sections = {};
    has_sql = false;
}

const Section* Revision::section_for(SectionKind kind, std::string_view dialect) const {
    require_sql();
    const Section* generic = nullptr;
    for (const auto& section : sections) {
        bool matches =
            section.kind == kind || (kind == SectionKind::downgrade && section.kind == SectionKind::irreversible);
        if (!matches)
            continue;
        if (section.dialect == dialect)
            return &section;
        if (section.dialect.empty())
            generic = &section;
    }
    return generic;
}

std::string Revision::checksum() const {
    require_sql();
    return revision_file::checksum(sections);
}

bool Revision::irreversible() const {
    require_sql();
    for (const auto& section : sections)
        if (section.kind == SectionKind::irreversible)
            return true;
    return false;
}

} // namespace trellis
