#include "cli/cli.hpp"

int main(int argc, char** argv) {
    return trellis::cli::run(argc, argv);
}
