// `trellis import-alembic`: an Alembic project becomes a trellis project, and a database Alembic
// migrated is taken over in place (README, "Coming from Alembic").
//
// The import itself is a Python program trellis ships (tools/import_alembic/import_alembic.py,
// installed in share/trellis/): it reads the project through Alembic's own ScriptDirectory and has
// Alembic render each revision offline per dialect, which no reimplementation could match. The
// adoption is trellis's: it reads alembic_version and records the applied set with stamp's
// machinery.
#pragma once

#include "commands/context.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace trellis {

struct ImportAlembicOptions {
    std::filesystem::path alembic_ini;
    std::filesystem::path out = ".";
    bool quiet = false; // no report
    bool json = false;  // the report as one JSON document
};

// Runs the importer, its report going to stdout and its errors to stderr. Returns its exit code
// (0 done, 2 bad input: no Alembic, a bad ini, a revision file that does not import). Throws an
// input error when no interpreter or importer can be found.
int import_alembic(const ImportAlembicOptions& options);

struct AdoptOptions {
    std::string alembic_version_table = "alembic_version";
    bool drop_alembic_version = false;
};

struct AdoptResult {
    std::vector<std::string> alembic_heads; // what alembic_version held
    std::vector<int> stamped;               // revisions recorded in the trellis ledger now, in `graph`
    std::shared_ptr<const Graph> graph;     // the graph stamp's state read under the lock
    std::size_t already = 0;                // of the applied set, those the ledger had before
};

// Takes over `context`'s database (the imported project's config and the URL to adopt): under the
// migration lock, reads the heads in alembic_version, and writes the trellis ledger rows of exactly
// their closure (every ancestor through both edge kinds) in one transaction, dropping
// alembic_version in it when asked. Input error (exit 2) when the table is missing, names a
// revision the project lacks, or the ledger already records revisions outside that set.
AdoptResult adopt_alembic(Context& context, const AdoptOptions& options);

} // namespace trellis
