#include "revision/revision.hpp"

namespace trellis {

const Section* Revision::section_for(SectionKind kind, std::string_view dialect) const {
    const Section* generic = nullptr;
    for (const auto& section : sections) {
        bool matches = section.kind == kind ||
                       (kind == SectionKind::downgrade && section.kind == SectionKind::irreversible);
        if (!matches)
            continue;
        if (section.dialect == dialect)
            return &section;
        if (section.dialect.empty())
            generic = &section;
    }
    return generic;
}

bool Revision::irreversible() const {
    for (const auto& section : sections)
        if (section.kind == SectionKind::irreversible)
            return true;
    return false;
}

} // namespace trellis
