// How a command opens its database: commands that only read never create a SQLite file.
#pragma once

namespace trellis {

enum class OpenMode { read_write, read_only };

} // namespace trellis
