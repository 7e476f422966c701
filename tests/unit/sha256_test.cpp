// SHA-256 through OpenSSL's libcrypto (util/sha256.cpp): the digests of FIPS 180-4's examples,
// and a checksum as ledgers already store it, byte for byte (checksums outlive the code that
// computes them: a changed digest would make every applied revision look edited).
#include "revision/revision_file.hpp"
#include "support.hpp"
#include "util/sha256.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace trellis;

TEST_SUITE("sha256") {
    TEST_CASE("the digests of the standard's examples, around the block boundaries too") {
        CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        CHECK(sha256_hex(std::string(1000000, 'a')) ==
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        CHECK(sha256_hex(std::string(64, 'x')).size() == 64);
        CHECK(sha256_hex(std::string(55, 'x')) != sha256_hex(std::string(56, 'x')));
    }

    TEST_CASE("a demo revision's checksum is the one its ledger row stored before libcrypto") {
        // Stored by `trellis upgrade` on the demo with the SHA-256 trellis wrote by hand.
        auto path = std::filesystem::path(TRELLIS_SOURCE_DIR) / "versions" /
                    "3a3eb9ba8c40_create_department_and_dept_membership.sql";
        auto revision = revision_file::parse(test::read_file(path), path.string());
        CHECK(revision.checksum() == "110ed898c0cbf35895969cca9cb8789f4b410ea714f43c0aed6c17961c8f5ac9");
    }
}
