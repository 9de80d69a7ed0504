#include "stage0/store/store.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "oslayer/fd.h"
#include "stage0/store/db.h"
#include "stage0/store/tree_store.h"

namespace stage0::store {
namespace {

struct Entry {
  std::string path;
  std::string content;  // regular file content; ignored for dirs
  bool dir = false;
};

// Writes an uncompressed ACI with the given manifest and rootfs entries.
std::string write_aci(const std::string& path, const std::string& manifest,
                      const std::vector<Entry>& entries, bool gzip = false) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (gzip) archive_write_add_filter_gzip(a);
  EXPECT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  auto add = [&](const std::string& name, const std::string& content, bool dir) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e, dir ? 0755 : 0644);
    archive_entry_set_size(e, dir ? 0 : static_cast<la_int64_t>(content.size()));
    archive_write_header(a, e);
    if (!dir) archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  };
  add("manifest", manifest, false);
  add("rootfs", "", true);
  for (const auto& en : entries) add("rootfs/" + en.path, en.content, en.dir);
  archive_write_close(a);
  archive_write_free(a);
  return path;
}

std::string manifest_json(const std::string& name, const std::string& extra = "") {
  return R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":")" + name + "\"" + extra + "}";
}

// Out of line: GCC 12 at -O2 reports a false null dereference when the Result is inlined into
// SetUp next to gtest's macros.
[[gnu::noinline]] std::optional<Store> open_store(const std::string& dir) {
  auto s = Store::open(dir);
  if (!s) {
    ADD_FAILURE() << s.error().text();
    return std::nullopt;
  }
  return std::move(*s);
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/store-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto opened = open_store(dir_ + "/data");
    ASSERT_TRUE(opened.has_value());
    store_.emplace(std::move(*opened));
  }
  void TearDown() override {
    store_.reset();
    ASSERT_EQ(std::system(("rm -rf '" + dir_ + "'").c_str()), 0);
  }

  oslayer::Result<ImageRecord> import(const std::string& aci) {
    auto fd = oslayer::open_path(aci, O_RDONLY);
    if (!fd) return std::move(fd).error();
    auto pending = store_->stage(fd->get());
    if (!pending) return std::move(pending).error();
    return store_->commit(std::move(*pending));
  }

  size_t count_files(const std::string& sub) {
    std::string cmd = "find '" + dir_ + "/data/cas/" + sub + "' -type f | wc -l > " + dir_ + "/n";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    auto n = oslayer::read_file(dir_ + "/n", 100);
    return n ? std::stoul(*n) : 0;
  }

  std::string dir_;
  std::optional<Store> store_;
};

// Runs SQL on the store's index directly; the first column of the last row, as text.
std::string sql(const std::string& dir, const std::string& statements) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open((dir + "/data/cas/db/index.sqlite3").c_str(), &db), SQLITE_OK);
  std::string last;
  auto keep = [](void* out, int n, char** values, char**) {
    if (n > 0) *static_cast<std::string*>(out) = values[0] != nullptr ? values[0] : "";
    return 0;
  };
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, statements.c_str(), keep, &last, &err), SQLITE_OK)
      << (err != nullptr ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
  return last;
}

// A statement text is compiled once and lent out again once dropped (reset, its bindings
// cleared); the same text asked for while lent gets a statement of its own.
TEST_F(StoreTest, StatementsAreKeptAndLentOneAtATime) {
  auto db = Db::open(dir_ + "/stmt.sqlite3");
  ASSERT_TRUE(db) << db.error().text();
  ASSERT_TRUE(db->exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3)"));
  const std::string sql = "SELECT v FROM t WHERE v >= ? ORDER BY v";
  {
    auto a = db->prepare(sql);
    ASSERT_TRUE(a) << a.error().text();
    a->bind(1, int64_t{2});
    ASSERT_TRUE(*a->step());
    EXPECT_EQ(a->integer(0), 2);
    // Lent: the same text now is another statement, stepping on its own.
    auto b = db->prepare(sql);
    ASSERT_TRUE(b) << b.error().text();
    b->bind(1, int64_t{3});
    ASSERT_TRUE(*b->step());
    EXPECT_EQ(b->integer(0), 3);
    EXPECT_FALSE(*b->step());
  }  // `a` dropped after its first row, with 2 bound
  // Back from the cache: not where `a` stopped (that would give 3), not with 2 still bound
  // (that would give 2): v >= NULL, no row.
  auto c = db->prepare(sql);
  ASSERT_TRUE(c) << c.error().text();
  EXPECT_FALSE(*c->step());
}

TEST_F(StoreTest, TheIndexIsCheckedUntilItsLayoutIsRecorded) {
  const std::string tables = "SELECT count(*) FROM sqlite_master WHERE name = 'local_files'";
  EXPECT_EQ(sql(dir_, "PRAGMA user_version"), "3");
  EXPECT_EQ(sql(dir_, "PRAGMA journal_mode"), "delete");
  store_.reset();
  // An index without the stamp (rkt's, or an older Rocket's in WAL mode) is checked, completed
  // and given a rollback journal.
  sql(dir_, "DROP TABLE local_files; PRAGMA user_version = 2; PRAGMA journal_mode = WAL");
  ASSERT_TRUE(open_store(dir_ + "/data"));
  EXPECT_EQ(sql(dir_, tables), "1");
  EXPECT_EQ(sql(dir_, "PRAGMA user_version"), "3");
  EXPECT_EQ(sql(dir_, "PRAGMA journal_mode"), "delete");
  // With the stamp, an open reads nothing but the header: the checks are not run again.
  sql(dir_, "DROP TABLE local_files");
  ASSERT_TRUE(open_store(dir_ + "/data"));
  EXPECT_EQ(sql(dir_, tables), "0");
  // A schema newer than this rkt is still refused once the stamp is not ours.
  sql(dir_, "PRAGMA user_version = 0; UPDATE version SET version = 9");
  auto newer = Store::open(dir_ + "/data");
  ASSERT_FALSE(newer);
  EXPECT_NE(newer.error().text().find("newer than this rkt"), std::string::npos)
      << newer.error().text();
}

TEST_F(StoreTest, ImportsAndListsAnImage) {
  auto aci = write_aci(dir_ + "/a.aci", manifest_json("example.com/a"), {{"hello", "hi"}});
  auto rec = import(aci);
  ASSERT_TRUE(rec) << rec.error().text();
  EXPECT_EQ(rec->name, "example.com/a");
  EXPECT_EQ(rec->id.size(), 7u + 128u);
  auto all = store_->list();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].id, rec->id);
  EXPECT_EQ(count_files("blob"), 1u);
}

TEST_F(StoreTest, CompressedAndPlainGiveTheSameId) {
  auto plain = import(write_aci(dir_ + "/p.aci", manifest_json("example.com/a"), {{"f", "x"}}));
  ASSERT_TRUE(plain) << plain.error().text();
  // The same tar through gzip: the ID is the hash of the uncompressed bytes.
  std::string cmd = "gzip -c '" + dir_ + "/p.aci' > '" + dir_ + "/g.aci'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto gz = import(dir_ + "/g.aci");
  ASSERT_TRUE(gz) << gz.error().text();
  EXPECT_EQ(plain->id, gz->id);
  EXPECT_EQ(count_files("blob"), 1u);
}

TEST_F(StoreTest, StagedButNotCommittedLeavesNothing) {
  auto aci = write_aci(dir_ + "/a.aci", manifest_json("example.com/a"), {});
  auto fd = oslayer::open_path(aci, O_RDONLY);
  ASSERT_TRUE(fd);
  {
    auto pending = store_->stage(fd->get());
    ASSERT_TRUE(pending) << pending.error().text();
  }
  EXPECT_EQ(count_files("blob") + count_files("tmp"), 0u);
  auto all = store_->list();
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

TEST_F(StoreTest, BadArchiveIsRefusedAndStoreUnchanged) {
  std::string junk = dir_ + "/junk.aci";
  ASSERT_EQ(std::system(("head -c 4096 /dev/urandom > '" + junk + "'").c_str()), 0);
  EXPECT_FALSE(import(junk));
  auto bad_manifest = write_aci(dir_ + "/b.aci", R"({"acKind":"ImageManifest"})", {});
  auto r = import(bad_manifest);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("acVersion"), std::string::npos) << r.error().text();
  EXPECT_EQ(count_files("blob"), 0u);
}

TEST_F(StoreTest, FindsByPrefixNameAndLabels) {
  auto a = import(write_aci(
      dir_ + "/a.aci",
      manifest_json("example.com/a", R"(,"labels":[{"name":"version","value":"1"}])"), {}));
  ASSERT_TRUE(a);
  auto b = import(write_aci(
      dir_ + "/b.aci",
      manifest_json("example.com/a", R"(,"labels":[{"name":"version","value":"2"}])"), {}));
  ASSERT_TRUE(b);
  auto by_prefix = store_->find_by_id(a->id.substr(0, 30));
  ASSERT_TRUE(by_prefix);
  EXPECT_EQ(by_prefix->id, a->id);
  EXPECT_FALSE(store_->find_by_id("sha512-"));  // ambiguous: both match
  auto v1 = store_->resolve("example.com/a:1");
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->id, a->id);
  auto latest = store_->resolve("example.com/a");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->id, b->id);
  EXPECT_FALSE(store_->resolve("example.com/a:3"));
}

TEST_F(StoreTest, RemoveDropsRowAndBlob) {
  auto a = import(write_aci(dir_ + "/a.aci", manifest_json("example.com/a"), {}));
  ASSERT_TRUE(a);
  ASSERT_TRUE(store_->remove(a->id));
  auto all = store_->list();
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
  EXPECT_EQ(count_files("blob"), 0u);
}

TEST_F(StoreTest, RowWithMissingBlobIsNotListed) {
  auto a = import(write_aci(dir_ + "/a.aci", manifest_json("example.com/a"), {}));
  ASSERT_TRUE(a);
  ASSERT_EQ(::unlink((dir_ + "/data/cas/" + blob_path(a->id)).c_str()), 0);
  auto all = store_->list();
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

TEST_F(StoreTest, TwoStoresCommitTheSameImage) {
  auto aci = write_aci(dir_ + "/a.aci", manifest_json("example.com/a"), {{"f", "x"}});
  auto other = Store::open(dir_ + "/data");
  ASSERT_TRUE(other);
  auto fd1 = oslayer::open_path(aci, O_RDONLY);
  auto fd2 = oslayer::open_path(aci, O_RDONLY);
  auto p1 = store_->stage(fd1->get());
  auto p2 = other->stage(fd2->get());
  ASSERT_TRUE(p1 && p2);
  ASSERT_TRUE(store_->commit(std::move(*p1)));
  ASSERT_TRUE(other->commit(std::move(*p2)));
  auto all = store_->list();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1u);
  EXPECT_EQ(count_files("blob"), 1u);
}

TEST_F(StoreTest, RemoteRecordsRoundTrip) {
  RemoteRecord r{"https://x/a.aci", "https://x/a.aci.asc", "\"abc\"", "sha512-00", 60, 5};
  ASSERT_TRUE(store_->save_remote(r));
  auto found = store_->find_remote("https://x/a.aci");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->etag, "\"abc\"");
  EXPECT_EQ((*found)->max_age_s, 60);
  auto missing = store_->find_remote("https://y");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_F(StoreTest, LocalFileRecordMatchesOnlyAnUnchangedFile) {
  auto rec = import(write_aci(dir_ + "/a.aci", manifest_json("example.com/a"), {{"f", "x"}}));
  ASSERT_TRUE(rec) << rec.error().text();
  const LocalFileRecord file{1, 2, 3, 4, 5, rec->id};
  ASSERT_TRUE(store_->save_local_file(file));
  auto found = store_->find_local_file(file);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(**found, rec->id);
  // Any field that differs is another file, or this one changed: no match.
  for (int field = 0; field < 5; ++field) {
    LocalFileRecord changed = file;
    if (field == 0) changed.dev++;
    if (field == 1) changed.ino++;
    if (field == 2) changed.size++;
    if (field == 3) changed.mtime_ns++;
    if (field == 4) changed.ctime_ns++;
    auto miss = store_->find_local_file(changed);
    ASSERT_TRUE(miss);
    EXPECT_FALSE(*miss) << "field " << field;
  }
  // Removing the image forgets the files it came from.
  ASSERT_TRUE(store_->remove(rec->id));
  auto gone = store_->find_local_file(file);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(StoreTest, RendersDependenciesInOrderWithWhitelist) {
  auto base = import(write_aci(dir_ + "/base.aci", manifest_json("example.com/base"),
                               {{"etc", "", true},
                                {"etc/os-release", "base"},
                                {"etc/dropped", "x"},
                                {"bin", "", true},
                                {"bin/tool", "base-tool"}}));
  ASSERT_TRUE(base) << base.error().text();
  auto top = import(write_aci(
      dir_ + "/top.aci",
      manifest_json("example.com/top", R"(,"dependencies":[{"imageName":"example.com/base"}],)"
                                       R"("pathWhitelist":["/etc/os-release","/bin/tool","/app"])"),
      {{"bin", "", true}, {"bin/tool", "top-tool"}, {"app", "app"}}));
  ASSERT_TRUE(top) << top.error().text();
  auto tree = render_tree(*store_, top->id, store_only_resolver(*store_));
  ASSERT_TRUE(tree) << tree.error().text();
  auto tool = oslayer::read_file(tree->path + "/rootfs/bin/tool", 100);
  ASSERT_TRUE(tool);
  EXPECT_EQ(*tool, "top-tool");  // the image overrides its dependency
  EXPECT_TRUE(oslayer::read_file(tree->path + "/rootfs/etc/os-release", 100));
  EXPECT_FALSE(oslayer::read_file(tree->path + "/rootfs/etc/dropped", 100));  // not whitelisted
  struct stat st {};
  EXPECT_EQ(::stat((tree->path + "/rendered").c_str(), &st), 0);
  EXPECT_TRUE(verify_tree(*store_, tree->id));
  // Rendering again finds the finished tree.
  auto again = render_tree(*store_, top->id, store_only_resolver(*store_));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, tree->id);
  auto trees = trees_of_image(*store_, top->id);
  ASSERT_TRUE(trees);
  EXPECT_EQ(trees->size(), 1u);
}

// The directories directly in cas/tree whose name starts with ".tmp-", with their inodes.
std::vector<std::pair<std::string, ino_t>> temp_trees(const std::string& cas) {
  std::vector<std::pair<std::string, ino_t>> out;
  DIR* d = ::opendir((cas + "/tree").c_str());
  if (d == nullptr) return out;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.rfind(".tmp-", 0) == 0) out.emplace_back(n, e->d_ino);
  }
  ::closedir(d);
  return out;
}

// Imports `aci` with a tree extracted during the import, and renders it with that tree offered.
// Returns the tree and whether the rendered one is the very directory extracted then.
struct SpeculativeRender {
  oslayer::Result<Tree> tree;
  bool adopted;
  size_t temp_left;
};
SpeculativeRender import_and_render(Store& store, const std::string& aci) {
  auto fd = oslayer::open_path(aci, O_RDONLY);
  EXPECT_TRUE(fd);
  std::unique_ptr<SpeculativeTree> speculative;
  auto pending = stage_with_tree(store, fd->get(), speculative);
  EXPECT_TRUE(pending) << pending.error().text();
  EXPECT_NE(speculative, nullptr);
  auto temps = temp_trees(store.cas_dir());
  EXPECT_EQ(temps.size(), 1u);
  auto rec = store.commit(std::move(*pending));
  EXPECT_TRUE(rec) << rec.error().text();
  SpeculativeRender out{render_tree(store, rec->id, store_only_resolver(store), speculative.get()),
                        false, 0};
  speculative.reset();
  out.temp_left = temp_trees(store.cas_dir()).size();
  struct stat st {};
  if (out.tree && !temps.empty() && ::stat(out.tree->path.c_str(), &st) == 0) {
    out.adopted = st.st_ino == temps.front().second;
  }
  return out;
}

TEST_F(StoreTest, ATreeExtractedDuringTheImportIsTheRender) {
  auto r = import_and_render(*store_, write_aci(dir_ + "/a.aci", manifest_json("example.com/a"),
                                                {{"etc", "", true}, {"etc/x", "x"}}));
  ASSERT_TRUE(r.tree) << r.tree.error().text();
  EXPECT_TRUE(r.adopted) << "the tree was extracted again";
  EXPECT_EQ(r.temp_left, 0u);
  auto x = oslayer::read_file(r.tree->path + "/rootfs/etc/x", 100);
  ASSERT_TRUE(x);
  EXPECT_EQ(*x, "x");
  EXPECT_TRUE(verify_tree(*store_, r.tree->id));
}

TEST_F(StoreTest, ATreeExtractedDuringTheImportIsDroppedWhenAWhitelistApplies) {
  auto r = import_and_render(
      *store_,
      write_aci(dir_ + "/w.aci", manifest_json("example.com/w", R"(,"pathWhitelist":["/keep"])"),
                {{"keep", "k"}, {"drop", "d"}}));
  ASSERT_TRUE(r.tree) << r.tree.error().text();
  EXPECT_FALSE(r.adopted);
  EXPECT_EQ(r.temp_left, 0u);
  EXPECT_TRUE(oslayer::read_file(r.tree->path + "/rootfs/keep", 100));
  EXPECT_FALSE(oslayer::read_file(r.tree->path + "/rootfs/drop", 100));
}

TEST_F(StoreTest, AFailedImportLeavesNoExtractedTree) {
  const std::string bad = dir_ + "/bad.aci";
  write_aci(bad, manifest_json("example.com/a"), {{"f", std::string(200000, 'z')}});
  ASSERT_EQ(::truncate(bad.c_str(), 100000), 0);  // cut in the middle of the file's data
  auto fd = oslayer::open_path(bad, O_RDONLY);
  ASSERT_TRUE(fd);
  std::unique_ptr<SpeculativeTree> speculative;
  auto pending = stage_with_tree(*store_, fd->get(), speculative);
  EXPECT_FALSE(pending);
  speculative.reset();
  EXPECT_EQ(temp_trees(store_->cas_dir()).size(), 0u);
  EXPECT_EQ(count_files("tree"), 0u);
}

TEST_F(StoreTest, VerifyDetectsTampering) {
  auto a = import(write_aci(dir_ + "/a.aci", manifest_json("example.com/a"), {{"f", "x"}}));
  ASSERT_TRUE(a);
  auto tree = render_tree(*store_, a->id, store_only_resolver(*store_));
  ASSERT_TRUE(tree) << tree.error().text();
  ASSERT_EQ(std::system(("echo evil >> '" + tree->path + "/rootfs/f'").c_str()), 0);
  auto v = verify_tree(*store_, tree->id);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().text().find("modified"), std::string::npos);
}

TEST_F(StoreTest, MissingDependencyFailsWithItsName) {
  auto top = import(write_aci(
      dir_ + "/top.aci",
      manifest_json("example.com/top", R"(,"dependencies":[{"imageName":"example.com/nope"}])"),
      {}));
  ASSERT_TRUE(top);
  auto tree = render_tree(*store_, top->id, store_only_resolver(*store_));
  ASSERT_FALSE(tree);
  EXPECT_NE(tree.error().text().find("example.com/nope"), std::string::npos);
  EXPECT_EQ(count_files("tree"), 0u);
}

TEST_F(StoreTest, RemovedTreeIsGone) {
  auto a = import(write_aci(dir_ + "/a.aci", manifest_json("example.com/a"), {{"f", "x"}}));
  ASSERT_TRUE(a);
  auto tree = render_tree(*store_, a->id, store_only_resolver(*store_));
  ASSERT_TRUE(tree);
  ASSERT_TRUE(remove_tree_dir(*store_, tree->id));
  auto trees = trees_of_image(*store_, a->id);
  ASSERT_TRUE(trees);
  EXPECT_TRUE(trees->empty());
}

}  // namespace
}  // namespace stage0::store
