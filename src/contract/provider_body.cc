#include "contract/provider_body.h"

#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace rollgate::internal {

namespace {

using nlohmann::ordered_json;

// nlohmann refuses to serialise invalid UTF-8, so the invalid-utf8 scenario serialises this
// marker and swaps the raw bytes in afterwards.
constexpr std::string_view kRawMarker = "@@rollgate-invalid-utf8@@";
constexpr std::string_view kInvalidBytes = "\xff\xfe";
constexpr std::string_view kSnapshotSuffix = "-2025-04-14";

std::string DumpWithRawBytes(const ordered_json& j) {
  std::string text = j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  std::size_t at = text.find(kRawMarker);
  if (at != std::string::npos) text.replace(at, kRawMarker.size(), kInvalidBytes);
  return text;
}

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// "...-YYYY-MM-DD"
bool EndsInDate(std::string_view model) {
  if (model.size() < 11) return false;
  std::string_view tail = model.substr(model.size() - 11);
  return tail[0] == '-' && IsDigits(tail.substr(1, 4)) && tail[5] == '-' &&
         IsDigits(tail.substr(6, 2)) && tail[8] == '-' && IsDigits(tail.substr(9, 2));
}

ordered_json ContentJson(std::string text, const BodyShape& shape, bool mark_invalid) {
  if (mark_invalid) text += kRawMarker;
  if (!shape.content_as_parts) return text;
  return ordered_json::array({{{"type", "text"}, {"text", text}}});
}

ordered_json UsageJson(const Answer& a, const BodyShape& shape) {
  ordered_json usage = {
      {"prompt_tokens", a.prompt_tokens},
      {"completion_tokens", a.completion_tokens},
      {"total_tokens", a.total_tokens()},
      {"prompt_tokens_details", {{"cached_tokens", 0}, {"audio_tokens", 0}}},
      {"completion_tokens_details",
       {{"reasoning_tokens", 0},
        {"audio_tokens", 0},
        {"accepted_prediction_tokens", 0},
        {"rejected_prediction_tokens", 0}}},
  };
  // Seen on live CometAPI responses (FACTS §1.3); clients must ignore unknown fields.
  if (shape.flavor == mock::Flavor::kCometApi) {
    usage["latency_checkpoint"] = shape.latency_checkpoint_ms;
  }
  return usage;
}

void AddPadding(ordered_json& j, const BodyShape& shape) {
  if (shape.padding_bytes > 0) j["padding"] = std::string(shape.padding_bytes, 'x');
}

// The content cut into chunks of a few code points, never inside a UTF-8 sequence.
std::vector<std::string> Pieces(std::string_view content) {
  std::vector<std::string> pieces;
  while (!content.empty()) {
    std::string_view piece = PrefixCodePoints(content, kCodePointsPerChunk);
    pieces.emplace_back(piece);
    content.remove_prefix(piece.size());
  }
  return pieces;
}

std::string Obfuscation(const BodyShape& shape) {
  return shape.obfuscation ? shape.obfuscation() : std::string();
}

std::string SseDataFrame(const std::string& data) { return "data: " + data + "\n\n"; }

class ChunkMaker {
 public:
  ChunkMaker(const BodyShape& shape, bool usage_keys) : shape_(shape), usage_keys_(usage_keys) {}

  // One chat.completion.chunk; `delta` and `finish_reason` go into choices[0].
  std::string Chunk(ordered_json delta, ordered_json finish_reason, bool pad = false) const {
    ordered_json choice = {{"index", 0}, {"delta", std::move(delta)}};
    if (shape_.flavor == mock::Flavor::kCometApi) choice["logprobs"] = nullptr;
    choice["finish_reason"] = std::move(finish_reason);
    ordered_json chunk = Header();
    chunk["choices"] = shape_.empty_choices ? ordered_json::array() : ordered_json::array({choice});
    Finish(chunk);
    if (pad) AddPadding(chunk, shape_);
    return SseDataFrame(DumpWithRawBytes(chunk));
  }

  // The extra chunk include_usage asks for: no choices, the whole usage.
  std::string UsageChunk(const Answer& answer) const {
    ordered_json chunk = Header();
    chunk["choices"] = ordered_json::array();
    chunk["usage"] = UsageJson(answer, shape_);
    if (shape_.flavor == mock::Flavor::kCometApi) chunk["obfuscation"] = Obfuscation(shape_);
    return SseDataFrame(DumpWithRawBytes(chunk));
  }

 private:
  ordered_json Header() const {
    return {{"id", shape_.id},           {"object", "chat.completion.chunk"},
            {"created", shape_.created}, {"model", shape_.model},
            {"service_tier", "default"}, {"system_fingerprint", shape_.system_fingerprint}};
  }
  void Finish(ordered_json& chunk) const {
    if (usage_keys_) chunk["usage"] = nullptr;  // every chunk but the last says usage: null
    if (shape_.flavor == mock::Flavor::kCometApi) chunk["obfuscation"] = Obfuscation(shape_);
  }

  const BodyShape& shape_;
  bool usage_keys_;
};

std::vector<std::string> DriftedEvents(const Answer& answer, const BodyShape& shape) {
  std::vector<std::string> events;
  std::vector<std::string> pieces = Pieces(answer.content);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    bool last = i + 1 == pieces.size();
    ordered_json message = {{"role", "assistant"}, {"content", pieces[i]}};
    ordered_json choice = {{"index", 0},
                           {"message", message},
                           {"finish_reason", last ? ordered_json(answer.finish_reason) : nullptr}};
    ordered_json body = {{"id", shape.id},
                         {"object", "chat.completion"},
                         {"created", shape.created},
                         {"model", shape.model},
                         {"choices", ordered_json::array({choice})}};
    events.push_back(SseDataFrame(DumpWithRawBytes(body)));
  }
  events.push_back(SseDataFrame("[DONE]"));
  return events;
}

}  // namespace

std::string ReportedModel(mock::Flavor flavor, const std::string& requested) {
  if (flavor == mock::Flavor::kOpenAi || EndsInDate(requested)) return requested;
  return requested + std::string(kSnapshotSuffix);
}

std::string CompletionBody(const Answer& answer, const BodyShape& shape) {
  ordered_json message = {{"role", "assistant"},
                          {"content", ContentJson(answer.content, shape, shape.invalid_utf8)},
                          {"refusal", nullptr},
                          {"annotations", ordered_json::array()}};
  ordered_json choice = {{"index", 0},
                         {"message", std::move(message)},
                         {"logprobs", nullptr},
                         {"finish_reason", answer.finish_reason}};
  ordered_json body = {
      {"id", shape.id},
      {"object", "chat.completion"},
      {"created", shape.created},
      {"model", shape.model},
      {"choices", shape.empty_choices ? ordered_json::array() : ordered_json::array({choice})},
      {"usage", UsageJson(answer, shape)},
      {"service_tier", "default"},
      {"system_fingerprint", shape.system_fingerprint},
  };
  AddPadding(body, shape);
  return DumpWithRawBytes(body);
}

std::vector<std::string> StreamEvents(const Answer& answer, const BodyShape& shape,
                                      const StreamOptions& options) {
  if (options.shape == StreamShape::kSchemaDrift) return DriftedEvents(answer, shape);

  bool usage_keys = options.include_usage && options.shape != StreamShape::kNoUsage;
  ChunkMaker maker(shape, usage_keys);
  std::vector<std::string> pieces = Pieces(answer.content);
  std::size_t content_chunks = pieces.size();
  if (options.shape == StreamShape::kCut) content_chunks = (pieces.size() + 1) / 2;
  if (options.shape == StreamShape::kError || options.shape == StreamShape::kStall) {
    content_chunks = std::min<std::size_t>(1, pieces.size());
  }

  std::vector<std::string> events;
  events.push_back(maker.Chunk({{"role", "assistant"}, {"content", ""}}, nullptr, /*pad=*/true));
  for (std::size_t i = 0; i < content_chunks; ++i) {
    bool mark = shape.invalid_utf8 && i == 0;
    events.push_back(maker.Chunk({{"content", ContentJson(pieces[i], shape, mark)}}, nullptr));
  }
  if (options.shape == StreamShape::kError) events.push_back(SseDataFrame(options.error_json));
  if (options.shape != StreamShape::kNormal && options.shape != StreamShape::kNoUsage) {
    return events;
  }
  events.push_back(maker.Chunk(ordered_json::object(), answer.finish_reason));
  if (usage_keys) events.push_back(maker.UsageChunk(answer));
  events.push_back(SseDataFrame("[DONE]"));
  return events;
}

}  // namespace rollgate::internal
