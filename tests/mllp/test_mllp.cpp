// The MLLP listener with the HL7 v2 intake, in process: ACK codes, MSA-2, durable journal,
// duplicates, oversized and broken frames, TLS.
#include <doctest/doctest.h>

#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "hl7v2/message.hpp"
#include "node/intake.hpp"
#include "plugins/common/v2_answer.hpp"
#include "plugins/journals/sqlite/journal.hpp"
#include "plugins/registry.hpp"
#include "net/mllp/client.hpp"
#include "net/mllp/framing.hpp"
#include "net/mllp/server.hpp"
#include "tests/fhir/test_support.hpp"

using namespace hidewire;

namespace {

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<node::Journal> journal;
  std::unique_ptr<node::GroupJournal> group;
  std::unique_ptr<node::Converter> v2 = plugins::make_converter("hl7v2");
  std::unique_ptr<node::Intake> intake;
  node::Channel* channel = nullptr;
  plugins::V2Responder responder;
  boost::asio::io_context io;
  std::unique_ptr<mllp::Server> server;
  std::thread thread;

  explicit Fixture(mllp::ServerOptions opts = {}, bool accept_reused_control_id = false) {
    dir = std::filesystem::temp_directory_path() / ("hw-mllp-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    std::filesystem::create_directories(dir);
    journal = std::make_unique<plugins::SqliteJournal>((dir / "journal.db").string());
    group = std::make_unique<node::GroupJournal>(*journal, nullptr);
    intake = std::make_unique<node::Intake>(*group, std::map<std::string, const node::Converter*>{{"hl7v2", v2.get()}});
    channel = &intake->channel("test", accept_reused_control_id);
    server = std::make_unique<mllp::Server>(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
        mllp::AsyncFrameHandler([this](std::string_view m, mllp::Reply reply) {
          channel->submit(std::string(m), "hl7v2", node::Caller{}, responder,
                          [reply = std::move(reply)](const node::Outcome&, const std::string& ack) { reply(ack); });
        }),
        [this](const std::string& e) { return responder.reject_frame(e); }, opts);
    thread = std::thread([this] { io.run(); });
  }
  ~Fixture() {
    intake->stop();
    group->stop();  // answers what is queued while the io_context still runs
    server->stop();
    io.stop();
    thread.join();
    std::filesystem::remove_all(dir);
  }
};

hl7v2::Message ack_of(const std::string& payload) {
  hl7v2::ParseError err;
  auto m = hl7v2::parse(payload, err);
  REQUIRE_MESSAGE(m, err.message);
  return std::move(*m);
}

std::string corpus(const std::string& name) { return hw_test::read_file(hw_test::data_path("hl7v2/" + name)); }

}  // namespace

TEST_CASE("framing: frames split across reads, noise between frames, lone FS inside, size limit") {
  mllp::FrameDecoder d(100);
  std::vector<std::string> out;
  std::string err;
  std::string two = "\r\n" + mllp::frame("MSH|a") + "junk" + mllp::frame(std::string("x\x1cy"));
  for (char c : two) REQUIRE(d.feed(std::string_view(&c, 1), out, err));
  REQUIRE(out.size() == 2);
  CHECK(out[0] == "MSH|a");
  CHECK(out[1] == std::string("x\x1cy"));
  CHECK(d.skipped_bytes() == 6);
  CHECK_FALSE(d.feed(mllp::frame(std::string(200, 'a')), out, err));
  CHECK(err == "MLLP frame larger than the limit of 100 bytes");
}

TEST_CASE("AA after the message is in the journal; MSA-2 echoes MSH-10; a resend is not processed twice") {
  Fixture f;
  mllp::Client c("127.0.0.1", f.server->port());
  hl7v2::Message a = ack_of(c.send(corpus("adt_a01_v251.hl7")));
  CHECK(a.get("MSA-1") == "AA");
  CHECK(a.get("MSA-2") == "MSG00001");
  auto stored = f.journal->list("accepted");
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].message_id == "MSG00001");
  CHECK(stored[0].sender == "PAS^RR8^St James University Hospital^ODS");
  CHECK(stored[0].output.find("\"resourceType\":\"Bundle\"") != std::string::npos);
  CHECK(stored[0].ack == a.text());
  std::string again = c.send(corpus("adt_a01_v251.hl7"));
  CHECK(again == stored[0].ack);  // the same ACK, byte for byte
  CHECK(f.journal->count() == 1);
  CHECK(f.channel->stats().duplicates == 1);
}

TEST_CASE("AE with ERR for content errors, AR for unreadable frames; both kept with the reason") {
  Fixture f;
  mllp::Client c("127.0.0.1", f.server->port());
  hl7v2::Message ae = ack_of(c.send(corpus("adt_a01_bad_nhs.hl7")));
  CHECK(ae.get("MSA-1") == "AE");
  CHECK(ae.get("MSA-2") == "MSG00099");
  CHECK(ae.get("ERR-2") == "PID^1^3^1^1");
  CHECK(ae.get("ERR-3.1") == "102");
  hl7v2::Message ar = ack_of(c.send("MSH|^~\\&|LAB|RR8|HIDEWIRE|LTHT|20261124||ORU^R01|LAB-9|P|2.4\rOBX|1\rnot a segment\r"));
  CHECK(ar.get("MSA-1") == "AR");
  CHECK(ar.get("MSA-2") == "LAB-9");
  hl7v2::Message unsupported = ack_of(c.send("MSH|^~\\&|A|B|C|D|20260101||QBP^Q22^QBP_Q21|QBP-1|P|2.5.1\rQPD|IHE PDQ Query|Q-1|@PID.3.1^9434765919\r"));
  CHECK(unsupported.get("MSA-1") == "AE");
  CHECK(unsupported.get("ERR-3.1") == "200");
  auto rejected = f.journal->list("rejected");
  REQUIRE(rejected.size() == 3);
  CHECK(rejected[0].reason.find("PID-3[1].1: NHS number 9434765918") != std::string::npos);
  CHECK(rejected[1].reason.find("unreadable: segment 3") != std::string::npos);
  CHECK(rejected[1].raw.find("not a segment") != std::string::npos);  // kept as received, for replay
}

TEST_CASE("an oversized frame is answered AR and the connection closed") {
  mllp::ServerOptions opts;
  opts.max_frame_bytes = 1000;
  Fixture f(opts);
  mllp::Client c("127.0.0.1", f.server->port());
  hl7v2::Message ar = ack_of(c.send("MSH|^~\\&|A|B|C|D|20260101||ADT^A01|BIG|P|2.5.1\rNTE|1||" + std::string(5000, 'x') + "\r"));
  CHECK(ar.get("MSA-1") == "AR");
  CHECK(ar.get("ERR-8") == "MLLP frame larger than the limit of 1000 bytes");
  CHECK_THROWS(c.send(corpus("adt_a04_v23.hl7")));
}

TEST_CASE("TLS: the same exchange over an encrypted connection") {
  auto dir = std::filesystem::temp_directory_path() / ("hw-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 "
                    "-days 1 -keyout " + key + " -out " + cert + " >/dev/null 2>&1";
  REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "openssl could not make a test certificate");
  mllp::ServerOptions opts;
  opts.tls_cert_file = cert;
  opts.tls_key_file = key;
  {
    Fixture f(opts);
    mllp::ClientOptions co;
    co.tls = true;
    co.tls_ca_file = cert;
    mllp::Client c("127.0.0.1", f.server->port(), co);
    hl7v2::Message a = ack_of(c.send(corpus("oru_r01_v251.hl7")));
    CHECK(a.get("MSA-1") == "AA");
    CHECK(a.get("MSA-2") == "LAB-77731");
    // A client that does not trust the certificate refuses the server.
    mllp::ClientOptions untrusting;
    untrusting.tls = true;
    untrusting.tls_ca_file = "/etc/ssl/certs/ca-certificates.crt";
    CHECK_THROWS(mllp::Client("127.0.0.1", f.server->port(), untrusting));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("the conformance gate refuses a message whose FHIR would break the R4 rules") {
  Fixture f;
  mllp::Client c("127.0.0.1", f.server->port());
  // AL1-3 carries a code with a double space: a valid v2 string, an invalid FHIR code.
  std::string msg = "MSH|^~\\&|PAS|RR8|HIDEWIRE|LTHT|20261124091502||ADT^A01^ADT_A01|GATE-1|P|2.5.1\r"
                    "PID|1||9434765919^^^NHS^NH||SMITH^MARGARET||19410302|F\rPV1|1|I\rAL1|1|DA|AMOX  IV^Amoxicillin^LOCAL\r";
  hl7v2::Message ae = ack_of(c.send(msg));
  CHECK(ae.get("MSA-1") == "AE");
  CHECK(ae.get("MSA-2") == "GATE-1");
  CHECK_MESSAGE(ae.get("ERR-8").find("converted FHIR breaks a rule at Bundle.entry[2].resource.code.coding[0].code") != std::string::npos,
                ae.get("ERR-8"));
  auto rejected = f.journal->list("rejected");
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].raw == msg);
}

TEST_CASE("pipelined frames: sent in one write, answered in order, journalled in one commit") {
  Fixture f;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), f.server->port()});
  std::string burst;
  const int n = 30;
  for (int i = 0; i < n; ++i)
    burst += mllp::frame("MSH|^~\\&|LAB|RR8|HIDEWIRE|LTHT|20261124100000||ORU^R01^ORU_R01|PIPE-" + std::to_string(i) +
                         "|P|2.5.1\rPID|1||9434765919^^^NHS^NH||SMITH^MARGARET\rOBR|1|PORD-" + std::to_string(i) +
                         "||U&E^Urea^LOCAL|||20261124100000||||||||||||||||||F\rOBX|1|NM|22664-7^Potassium^LN||4.1|mmol/L|||||F\r");
  boost::asio::write(s, boost::asio::buffer(burst));
  mllp::FrameDecoder d(1 << 20);
  std::vector<std::string> acks;
  char buf[8192];
  while (acks.size() < static_cast<std::size_t>(n)) {
    std::string err;
    REQUIRE(d.feed(std::string_view(buf, s.read_some(boost::asio::buffer(buf))), acks, err));
  }
  for (int i = 0; i < n; ++i) {
    hl7v2::Message a = ack_of(acks[static_cast<std::size_t>(i)]);
    CHECK(a.get("MSA-1") == "AA");
    CHECK(a.get("MSA-2") == "PIPE-" + std::to_string(i));  // in the order sent
  }
  CHECK(f.journal->count("accepted") == static_cast<std::size_t>(n));
  CHECK(f.group->commits() < static_cast<std::uint64_t>(n));  // the burst shared commits
}

namespace {

// The admission with MSH-10 kept and another patient in PID: a sender that reused a control id.
std::string other_patient_same_control_id() {
  std::string text = corpus("adt_a01_v251.hl7");
  std::size_t at = text.find("\rPID|") + 1, end = text.find('\r', at);
  text.replace(at, end - at, "PID|1||9434765870^^^NHS^NH~RR8-0067890^^^RR8^MR||OKAFOR^DANIEL^^^MR||19780911|M|||"
                             "4 Harehills Road^^Leeds^West Yorkshire^LS8 5HS^GBR^H");
  return text;
}

}  // namespace

TEST_CASE("a control id reused with other content: AE, kept as rejected with the reason, counted; an exact resend is not") {
  Fixture f;
  mllp::Client c("127.0.0.1", f.server->port());
  hl7v2::Message first = ack_of(c.send(corpus("adt_a01_v251.hl7")));
  REQUIRE(first.get("MSA-1") == "AA");
  // Answered AA and dropped before: another patient's admission lost without a word.
  std::string other = other_patient_same_control_id();
  hl7v2::Message reused = ack_of(c.send(other));
  CHECK(reused.get("MSA-1") == "AE");
  CHECK(reused.get("MSA-2") == "MSG00001");
  CHECK(reused.get("ERR-2") == "MSH^1^10");
  CHECK_MESSAGE(reused.get("ERR-8").find("control id MSG00001 was already used by message") != std::string::npos, reused.get("ERR-8"));
  CHECK(reused.get("ERR-8").find("with other content") != std::string::npos);
  CHECK(f.journal->count() == 2);
  auto rejected = f.journal->list("rejected");
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].raw == other);
  CHECK(rejected[0].message_id == "MSG00001");
  CHECK(rejected[0].output.empty());
  CHECK_MESSAGE(rejected[0].reason.find("control id MSG00001 was already used by message " + std::to_string(f.journal->list("accepted")[0].id) +
                                        " with other content") != std::string::npos,
                rejected[0].reason);
  CHECK(rejected[0].ack == reused.text());
  CHECK(f.channel->stats().reused == 1);
  CHECK(f.channel->stats().rejected == 1);

  // An exact resend of the first still gets the first ACK and is not stored twice; so does one of the second.
  auto accepted = f.journal->list("accepted");
  REQUIRE(accepted.size() == 1);
  CHECK(c.send(corpus("adt_a01_v251.hl7")) == accepted[0].ack);
  CHECK(c.send(other) == rejected[0].ack);
  CHECK(f.journal->count() == 2);
  CHECK(f.channel->stats().duplicates == 2);
  CHECK(f.channel->stats().reused == 1);
}

TEST_CASE("a source set to accept reused control ids takes the other content as a new message") {
  mllp::ServerOptions opts;
  Fixture f(opts, true);
  mllp::Client c("127.0.0.1", f.server->port());
  REQUIRE(ack_of(c.send(corpus("adt_a01_v251.hl7"))).get("MSA-1") == "AA");
  hl7v2::Message second = ack_of(c.send(other_patient_same_control_id()));
  CHECK(second.get("MSA-1") == "AA");
  CHECK(second.get("MSA-2") == "MSG00001");
  auto accepted = f.journal->list("accepted");
  REQUIRE(accepted.size() == 2);
  CHECK(accepted[1].output.find("9434765870") != std::string::npos);
  CHECK(accepted[1].ack == second.text());
  CHECK(f.channel->stats().reused == 1);
  CHECK(f.channel->stats().accepted == 2);
  CHECK(c.send(other_patient_same_control_id()) == accepted[1].ack);  // and its own resend is a duplicate
  CHECK(f.journal->count() == 2);
}

namespace {

// A journal whose next commit can be held, so that the messages queued meanwhile share one batch.
struct HeldJournal final : node::Journal {
  node::Journal& inner;
  std::mutex mu;
  std::condition_variable cv;
  bool hold = false, holding = false;
  explicit HeldJournal(node::Journal& j) : inner(j) {}
  std::vector<Appended> append_batch(const std::vector<const node::JournalEntry*>& entries) override {
    std::unique_lock lock(mu);
    if (hold) {
      holding = true;
      cv.notify_all();
      cv.wait(lock, [&] { return !hold; });
    }
    lock.unlock();
    return inner.append_batch(entries);
  }
  std::optional<node::JournalEntry> get(std::int64_t id) override { return inner.get(id); }
  std::vector<node::JournalEntry> list(const std::string& s, std::size_t l, std::int64_t a, const std::string& m) override {
    return inner.list(s, l, a, m);
  }
  std::size_t count(const std::string& s) override { return inner.count(s); }
  std::vector<node::JournalEntry> search(const node::JournalQuery& q) override { return inner.search(q); }
  void queue_delivered(const std::vector<std::int64_t>& ids) override { inner.queue_delivered(ids); }
  void flush_delivered() override { inner.flush_delivered(); }
  std::vector<node::JournalEntry> undelivered(std::int64_t a, std::size_t l) override { return inner.undelivered(a, l); }
  void update_outcome(std::int64_t id, const std::string& s, const std::string& r, const std::string& o) override {
    inner.update_outcome(id, s, r, o);
  }
};

}  // namespace

TEST_CASE("an accepted reuse of a control id keeps its place: journalled and routed before the messages after it") {
  auto dir = std::filesystem::temp_directory_path() / ("hw-reuse-order-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    plugins::SqliteJournal sqlite((dir / "journal.db").string());
    HeldJournal held(sqlite);
    std::mutex mu;
    std::vector<std::int64_t> routed;
    node::GroupJournal group(held, [&](std::vector<node::Committed>&& batch) {
      std::lock_guard lock(mu);
      for (const node::Committed& c : batch) routed.push_back(c.id);
    });
    auto v2 = plugins::make_converter("hl7v2");
    node::Intake intake(group, {{"hl7v2", v2.get()}});
    node::Channel& theatres = intake.channel("theatres", true);
    node::Channel& pas = intake.channel("pas");
    plugins::V2Responder responder;
    std::map<std::string, std::promise<std::int64_t>> done;
    std::map<std::string, std::future<std::int64_t>> ids;
    for (const char* name : {"first", "hold", "reused", "update"}) ids[name] = done[name].get_future();
    auto send = [&](node::Channel& ch, const std::string& name, std::string text) {
      ch.submit(std::move(text), "hl7v2", node::Caller{}, responder, [&done, name](const node::Outcome& o, const std::string&) { done[name].set_value(o.journal_id); });
    };
    send(theatres, "first", corpus("adt_a01_v251.hl7"));
    REQUIRE(ids["first"].wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    // The journal busy with another source's message: the reuse and the update after it queue up together.
    {
      std::lock_guard lock(held.mu);
      held.hold = true;
    }
    send(pas, "hold", corpus("oru_r01_v251.hl7"));
    {
      std::unique_lock lock(held.mu);
      REQUIRE(held.cv.wait_for(lock, std::chrono::seconds(10), [&] { return held.holding; }));
    }
    std::string update = other_patient_same_control_id();
    update.replace(update.find("ADT^A01^ADT_A01|MSG00001"), 24, "ADT^A08^ADT_A01|MSG00002");
    update.replace(update.find("EVN|A01"), 7, "EVN|A08");
    send(theatres, "reused", other_patient_same_control_id());
    send(theatres, "update", update);  // Daniel Okafor's details changed, after his admission
    auto& reused = ids["reused"];
    auto& updated = ids["update"];
    {
      std::lock_guard lock(held.mu);
      held.hold = false;
    }
    held.cv.notify_all();
    REQUIRE(reused.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    REQUIRE(updated.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    std::int64_t reused_id = reused.get(), update_id = updated.get();
    CHECK_MESSAGE(reused_id < update_id, "the admission was journalled as " << reused_id << ", after the update " << update_id);
    // Answers are given before the commit's batch is handed to routing: wait for routing too.
    auto at = [&](std::int64_t id) { return std::find(routed.begin(), routed.end(), id) - routed.begin(); };
    for (int i = 0; i < 500; ++i) {
      std::lock_guard lock(mu);
      if (at(update_id) < static_cast<std::ptrdiff_t>(routed.size())) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    {
      std::lock_guard lock(mu);
      REQUIRE(at(update_id) < static_cast<std::ptrdiff_t>(routed.size()));
      CHECK(at(reused_id) < at(update_id));  // so the store applies the admission first
    }
    CHECK(theatres.stats().reused == 1);
    CHECK(theatres.stats().accepted == 3);
    intake.stop();
    group.stop();
  }
  std::filesystem::remove_all(dir);
}
