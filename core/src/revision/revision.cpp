#include "revision/revision.hpp"

#include "revision/revision_file.hpp"

namespace trellis {

const Section* Revision::section_for(SectionKind kind, std::string_view dialect) const {
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
    return from_ledger ? stored_checksum : revision_file::checksum(sections);
}

bool Revision::irreversible() const {
    for (const auto& section : sections)
        if (section.kind == SectionKind::irreversible)
            return true;
    return false;
}

} // namespace trellis
