#include "dorkgen/preset_library.h"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <set>

#include "dorkgen/space.h"

namespace dorkgen {
namespace {

namespace fs = std::filesystem;

class PresetLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        fs::path(::testing::TempDir()) /
        ("presets-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "pools");
    fs::create_directories(root_ / "templates");
    write("pools/keyword.txt", "# keywords\nadmin\nbackup\n");
    write("pools/filetype.txt", "pdf\nxls\ncsv\n");
    write("templates/docs.txt",
          "# Documents\n{keyword} filetype:{filetype}\nintitle:\"{keyword}\"\n");
  }
  void write(const std::string& relative, const std::string& text) {
    std::ofstream(root_ / relative, std::ios::binary) << text;
  }
  std::string load_error() {
    auto library = PresetLibrary::load({root_});
    EXPECT_FALSE(library.has_value());
    return library ? "" : library.error().message();
  }
  fs::path root_;
};

TEST_F(PresetLibraryTest, LoadsPoolsAndTypes) {
  auto library = PresetLibrary::load({root_});
  ASSERT_TRUE(library.has_value()) << library.error().message();
  ASSERT_EQ(library->pools().size(), 2u);
  ASSERT_EQ(library->types().size(), 1u);
  EXPECT_EQ(library->types()[0].description, "Documents");
  EXPECT_EQ(library->types()[0].templates[1].line, 3);
  auto built = build_plan(*library, {});
  ASSERT_TRUE(built.has_value()) << built.error().message();
  EXPECT_EQ(built->plan.total(), 8u);
}

TEST_F(PresetLibraryTest, UserDirectoryOverridesOneFile) {
  fs::path user = root_ / "user";
  fs::create_directories(user / "pools");
  std::ofstream(user / "pools" / "keyword.txt") << "salary\n";
  auto library = PresetLibrary::load({root_, user});
  ASSERT_TRUE(library.has_value()) << library.error().message();
  EXPECT_EQ(library->find_pool("keyword")->values, std::vector<std::string>{"salary"});
  EXPECT_EQ(library->find_pool("filetype")->values.size(), 3u);
}

TEST_F(PresetLibraryTest, PresetByteOrderMarkIsNotData) {
  write("pools/keyword.txt", "\xEF\xBB\xBF# keywords\nadmin\n");
  write("pools/filetype.txt", "\xEF\xBB\xBFpdf\nxls\n");
  write("templates/docs.txt", "\xEF\xBB\xBF# Documents\n{keyword} filetype:{filetype}\n");
  auto library = PresetLibrary::load({root_});
  ASSERT_TRUE(library.has_value()) << library.error().message();
  EXPECT_EQ(library->types()[0].description, "Documents");
  ASSERT_EQ(library->types()[0].templates.size(), 1u);  // the comment did not become one
  EXPECT_EQ(library->find_pool("keyword")->values, std::vector<std::string>{"admin"});
  EXPECT_EQ(library->find_pool("filetype")->values, (std::vector<std::string>{"pdf", "xls"}));
}

TEST_F(PresetLibraryTest, PresetByteOrderMarkInsideAFileIsRefusedWithItsName) {
  write("pools/filetype.txt", "pdf\n\xEF\xBB\xBFxls\n");
  std::string error = load_error();
  EXPECT_NE(error.find("filetype.txt:2:"), std::string::npos) << error;
  EXPECT_NE(error.find("byte-order mark"), std::string::npos) << error;
}

TEST_F(PresetLibraryTest, PoolValueWithQuoteInUnquotedSlotIsRefused) {
  write("pools/keyword.txt", "admin\na\"b\n");
  write("templates/docs.txt", "intitle:{keyword} filetype:{filetype}\n");
  std::string error = load_error();
  EXPECT_NE(error.find("docs.txt:1:"), std::string::npos) << error;
  EXPECT_NE(error.find("a\"b"), std::string::npos) << error;
  EXPECT_NE(error.find("unbalanced"), std::string::npos) << error;
  // In a quoted slot any quote is refused, before generation.
  write("templates/docs.txt", "intitle:\"{keyword}\" filetype:{filetype}\n");
  error = load_error();
  EXPECT_NE(error.find("quoted phrase"), std::string::npos) << error;
  // Balanced quotes outside a phrase keep the query balanced.
  write("pools/keyword.txt", "admin\n\"annual report\"\n");
  write("templates/docs.txt", "{keyword} filetype:{filetype}\n");
  auto library = PresetLibrary::load({root_});
  ASSERT_TRUE(library.has_value()) << library.error().message();
  // The same rule for --keyword overrides.
  GeneratorConfig config;
  config.keywords = {"x\"y"};
  auto built = build_plan(*library, config);
  ASSERT_FALSE(built.has_value());
  EXPECT_NE(built.error().message().find("keyword override"), std::string::npos)
      << built.error().message();
}

TEST_F(PresetLibraryTest, MissingDirectory) {
  auto library = PresetLibrary::load({root_ / "nope"});
  ASSERT_FALSE(library.has_value());
  EXPECT_NE(library.error().message().find("nope: preset directory does not exist"),
            std::string::npos);
}

TEST_F(PresetLibraryTest, UnreadableFile) {
  fs::create_directories(root_ / "pools" / "broken.txt");  // a directory cannot be read as a file
  EXPECT_NE(load_error().find("broken.txt"), std::string::npos);
}

TEST_F(PresetLibraryTest, EmptyPool) {
  write("pools/filetype.txt", "# nothing here\n\n");
  EXPECT_NE(load_error().find("filetype.txt: pool file has no values"), std::string::npos);
}

TEST_F(PresetLibraryTest, EmptyTemplateFile) {
  write("templates/docs.txt", "");
  EXPECT_NE(load_error().find("docs.txt: template file has no templates"), std::string::npos);
}

TEST_F(PresetLibraryTest, DuplicateValueNamesBothLines) {
  write("pools/filetype.txt", "pdf\nxls\npdf\n");
  EXPECT_NE(load_error().find("filetype.txt:3: duplicate value 'pdf' (first on line 1)"),
            std::string::npos);
}

TEST_F(PresetLibraryTest, InvalidUtf8) {
  write("pools/filetype.txt", "pdf\nx\xc3\x28y\n");
  EXPECT_NE(load_error().find("filetype.txt:2: invalid UTF-8"), std::string::npos);
}

TEST_F(PresetLibraryTest, UnknownPlaceholder) {
  write("templates/docs.txt", "{keyword}\nsite:{domain}\n");
  EXPECT_NE(load_error().find("docs.txt:2: unknown placeholder {domain} (no pools/domain.txt)"),
            std::string::npos);
}

TEST_F(PresetLibraryTest, MalformedTemplate) {
  write("templates/docs.txt", "{keyword}\n\nintitle:\"{keyword} x\n");
  EXPECT_NE(load_error().find("docs.txt:3: column 9: unbalanced double quote"), std::string::npos);
}

TEST_F(PresetLibraryTest, DuplicateTemplateAcrossFiles) {
  write("templates/more.txt", "{keyword} filetype:{filetype}\n");
  EXPECT_NE(load_error().find("duplicate template (also at"), std::string::npos);
}

TEST_F(PresetLibraryTest, WhitespaceAndControlCharacters) {
  write("pools/filetype.txt", "pdf\n xls\n");
  EXPECT_NE(load_error().find("filetype.txt:2: leading or trailing whitespace"), std::string::npos);
  write("pools/filetype.txt", "pdf\nx\x01y\n");
  EXPECT_NE(load_error().find("filetype.txt:2: control character"), std::string::npos);
}

TEST_F(PresetLibraryTest, BadFileName) {
  write("pools/Bad Name.txt", "x\n");
  EXPECT_NE(load_error().find("file name must be"), std::string::npos);
}

TEST_F(PresetLibraryTest, UnknownEngineAndTypeAndBadOverride) {
  auto library = PresetLibrary::load({root_});
  ASSERT_TRUE(library.has_value());
  GeneratorConfig config;
  config.engine = "altavista";
  auto built = build_plan(*library, config);
  ASSERT_FALSE(built.has_value());
  EXPECT_NE(built.error().message().find("unknown engine 'altavista'"), std::string::npos);
  config.engine = "google";
  config.query_types = {"nope"};
  built = build_plan(*library, config);
  ASSERT_FALSE(built.has_value());
  EXPECT_NE(built.error().message().find("unknown query type 'nope' (known: docs)"),
            std::string::npos);
  config.query_types = {};
  config.keywords = {"ok", "ok"};
  built = build_plan(*library, config);
  ASSERT_FALSE(built.has_value());
  EXPECT_NE(built.error().message().find("duplicate value 'ok'"), std::string::npos);
  config.keywords = {"say \"hi\""};
  built = build_plan(*library, config);
  ASSERT_FALSE(built.has_value());
  EXPECT_NE(built.error().message().find("contains '\"'"), std::string::npos)
      << built.error().message();
}

TEST_F(PresetLibraryTest, YandexTranslatesAndDropsWithNotes) {
  write("templates/docs.txt", "{keyword} filetype:{filetype}\nintext:{keyword}\n");
  auto library = PresetLibrary::load({root_});
  ASSERT_TRUE(library.has_value());
  GeneratorConfig config;
  config.engine = "yandex";
  auto built = build_plan(*library, config);
  ASSERT_TRUE(built.has_value()) << built.error().message();
  ASSERT_EQ(built->plan.templates().size(), 1u);
  EXPECT_EQ(built->plan.templates()[0].source.parsed.text(), "{keyword} mime:{filetype}");
  ASSERT_EQ(built->notes.size(), 2u);
}

TEST(ShippedPresetsTest, LoadAndBuildForEveryEngine) {
  auto library = PresetLibrary::load({DORKGEN_SHIPPED_PRESETS});
  ASSERT_TRUE(library.has_value()) << library.error().message();
  std::vector<std::string> types;
  for (const QueryTypeFile& t : library->types()) types.push_back(t.name);
  for (const char* wanted :
       {"files-and-documents", "login-portals", "directory-listings", "error-messages",
        "exposed-configs", "url-parameters", "subdomains", "guest-posts", "backlinks"}) {
    EXPECT_NE(std::find(types.begin(), types.end(), wanted), types.end()) << wanted;
  }
  for (const char* engine : {"google", "bing", "duckduckgo", "yandex"}) {
    GeneratorConfig config;
    config.engine = engine;
    auto built = build_plan(*library, config);
    ASSERT_TRUE(built.has_value()) << engine << ": " << built.error().message();
    EXPECT_GT(built->plan.total(), 10000u) << engine;
  }
}

TEST(ShippedPresetsTest, LibraryHasTheBreadthAndSpaceItPromises) {
  // dorkgen/docs/presets.md promises these figures for the shipped library.
  auto library = PresetLibrary::load({DORKGEN_SHIPPED_PRESETS});
  ASSERT_TRUE(library.has_value()) << library.error().message();
  std::size_t templates = 0;
  for (const QueryTypeFile& t : library->types()) templates += t.templates.size();
  EXPECT_GE(templates, 150u);
  for (const char* major : {"filetype", "config_file", "secret_key", "tld", "subdomain", "folder",
                            "login_path", "login_title", "error_message", "param", "keyword",
                            "niche", "device_title", "server_banner", "powered_by", "cms_path"}) {
    const PoolFile* pool = library->find_pool(major);
    ASSERT_NE(pool, nullptr) << major;
    EXPECT_GE(pool->values.size(), 50u) << major;
    // No case variants of one value: the engines fold case, so they would be one query.
    std::set<std::string> folded;
    for (std::string value : pool->values) {
      for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      EXPECT_TRUE(folded.insert(value).second) << major << ": " << value;
    }
  }
  GeneratorConfig config;
  config.engine = "google";
  auto built = build_plan(*library, config);
  ASSERT_TRUE(built.has_value()) << built.error().message();
  EXPECT_GE(built->plan.total(), 10000000u);
}

TEST(Utf8Test, AcceptsValidRejectsInvalid) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\xff"));
}

}  // namespace
}  // namespace dorkgen
