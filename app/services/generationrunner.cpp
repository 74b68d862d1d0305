#include "generationrunner.h"

#include "core/error.h"
#include "docs/textutil.h"
#include "inferenceservice.h"
#include "promptbuilder.h"
#include "runtime/engine.h"
#include "store/sessionstore.h"
#include "tokenizer/streamingdecoder.h"
#include "tokenizer/tokenizer.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace moescope {

namespace {
constexpr auto kPieceInterval = std::chrono::milliseconds(30);
// Summaries of a report's pieces decoded together: each step serves this many at once.
constexpr int kBatchedReplies = 8;

std::string trimmed(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    const auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

struct ReportPart {
    std::string item; // "" for a document without 10-K structure
    std::string title;
    int pageStart = 0;
    int pageEnd = 0;
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string what() const
    {
        const auto pages = fmt::format("pp. {}-{}", pageStart + 1, pageEnd + 1);
        return item.empty() ? "the report (" + pages + ")" : "Item " + item + " " + title + " (" + pages + ")";
    }
};

std::vector<ReportPart> reportParts(const Document& document, const DocumentStructure& structure)
{
    std::vector<ReportPart> parts;
    const auto& sections = structure.sections;
    for (std::size_t i = 0; i < sections.size(); ++i) {
        const auto& s = sections[i];
        const auto end = i + 1 < sections.size() ? sections[i + 1].offset : document.text().size();
        if (end > s.offset)
            parts.push_back({ s.item, s.title, s.pageStart, s.pageEnd, s.offset, end });
    }
    if (parts.empty() && document.pageCount() > 0)
        parts.push_back({ "", "", 0, document.pageCount() - 1, 0, document.text().size() });
    return parts;
}
} // namespace

GenerationRunner::GenerationRunner(InferenceService* service)
    : QObject(service)
    , m_service(service)
{
}

void GenerationRunner::checkReady() const
{
    const Engine* engine = m_service->engine();
    if (!engine)
        throw InvalidArgumentError("no model is loaded: open an instruct or chat model first");
    const Tokenizer* tokenizer = m_service->tokenizer();
    if (!tokenizer)
        throw UnsupportedError(engine->summary().path + ": the model folder has no usable tokenizer.json");
    if (!tokenizer->hasChatTemplate())
        throw UnsupportedError(engine->summary().path
            + ": the model has no chat template, so it is a base model: generation needs an instruct or chat model");
}

PromptBuilder GenerationRunner::promptBuilder(int maxNewTokens) const
{
    const int context = m_service->engine()->summary().contextLength;
    const std::size_t window = context > 0 ? std::size_t(context) : 4096;
    if (window <= std::size_t(maxNewTokens) + 64)
        throw InvalidArgumentError(fmt::format("the model's context ({} tokens) leaves no room for a prompt and {} "
                                               "new tokens",
            window, maxNewTokens));
    return PromptBuilder(*m_service->tokenizer(), window - std::size_t(maxNewTokens) - 8);
}

SamplingOptions GenerationRunner::replyOptions(int maxNewTokens) const
{
    SamplingOptions options;
    options.maxNewTokens = maxNewTokens;
    options.greedy = true;
    options.stopTokens = m_service->engine()->eosTokens();
    if (const auto eos = m_service->tokenizer()->eosId();
        eos && std::find(options.stopTokens.begin(), options.stopTokens.end(), *eos) == options.stopTokens.end())
        options.stopTokens.push_back(*eos);
    return options;
}

std::string GenerationRunner::generate(const std::string& prompt, int maxNewTokens, std::stop_token stop,
    const std::function<void(const QString&)>& onPiece, QString* stopReason)
{
    Engine& engine = *m_service->engine();
    const Tokenizer& tokenizer = *m_service->tokenizer();
    const auto ids = tokenizer.encode(prompt, false);
    const auto options = replyOptions(maxNewTokens);

    StreamingDecoder decoder(tokenizer, true);
    std::string text, pending;
    auto lastPiece = std::chrono::steady_clock::now();
    const auto result = engine.generate(
        ids, options,
        [&](std::int32_t id) {
            const std::string piece = decoder.push(id);
            text += piece;
            pending += piece;
            const auto now = std::chrono::steady_clock::now();
            if (onPiece && !pending.empty() && now - lastPiece >= kPieceInterval) {
                onPiece(QString::fromStdString(pending));
                pending.clear();
                lastPiece = now;
            }
        },
        nullptr, stop);
    const std::string rest = decoder.flush();
    text += rest;
    pending += rest;
    if (onPiece && !pending.empty())
        onPiece(QString::fromStdString(pending));
    if (result.stopReason == "cancelled" || stop.stop_requested())
        throw CancelledError();
    if (stopReason)
        *stopReason = QString::fromStdString(result.stopReason);
    return text;
}

void GenerationRunner::answer(
    qint64 requestId, const QString& sessionPath, const RetrievalContext& context, int maxNewTokens)
{
    const auto stop = m_service->beginRequest();
    m_service->reportStarted(tr("Answering the question"));
    try {
        checkReady();
        const PromptBuilder prompts = promptBuilder(maxNewTokens);
        int used = 0;
        const std::string prompt = prompts.questionPrompt(context, &used);
        emit answerStarted(requestId, used);
        QString stopReason;
        const std::string text = trimmed(generate(
            prompt, maxNewTokens, stop, [&](const QString& piece) { emit answerPiece(requestId, piece); },
            &stopReason));

        nlohmann::json response = { { "answer", text }, { "stop_reason", stopReason.toStdString() },
            { "model", m_service->engine()->summary().path } };
        response["pages"] = nlohmann::json::array();
        for (int i = 0; i < used; ++i)
            response["pages"].push_back(context.passages[std::size_t(i)].page);
        std::optional<std::int64_t> document;
        if (!context.passages.empty())
            document = context.passages.front().documentId;
        if (!sessionPath.isEmpty())
            SessionStore::open(sessionPath.toStdString())
                .addHistory("question", context.question.toStdString(), response.dump(), document);
        emit answerFinished(requestId, QString::fromStdString(text), stopReason);
    } catch (const CancelledError&) {
        emit generationCancelled(requestId);
    } catch (const std::exception& e) {
        spdlog::warn("answering failed: {}", e.what());
        emit generationFailed(requestId, QString::fromStdString(e.what()));
    }
    m_service->reportFinished();
}

std::vector<std::string> GenerationRunner::generateAll(const std::vector<std::string>& prompts, int maxNewTokens,
    std::stop_token stop, const std::function<void()>& step)
{
    const Tokenizer& tokenizer = *m_service->tokenizer();
    std::vector<GenerationRequest> requests;
    for (const auto& prompt : prompts)
        requests.push_back({ tokenizer.encode(prompt, false), replyOptions(maxNewTokens) });
    const auto results = m_service->engine()->generateBatch(requests, kBatchedReplies, {}, stop, [&](std::size_t) {
        step();
    });
    if (stop.stop_requested())
        throw CancelledError();
    std::vector<std::string> replies;
    for (const auto& result : results) {
        StreamingDecoder decoder(tokenizer, true); // as generate() decodes, so the text is the same
        std::string text;
        for (const auto id : result.tokens)
            text += decoder.push(id);
        replies.push_back(text + decoder.flush());
    }
    return replies;
}

std::string GenerationRunner::mergeAll(const PromptBuilder& prompts, const std::string& what,
    std::vector<std::string> summaries, int maxNewTokens, std::stop_token stop, const std::function<void()>& step)
{
    if (summaries.empty())
        return {};
    for (;;) {
        const auto groups = prompts.groupToFit(what, summaries);
        if (groups.size() == 1 && summaries.size() == 1)
            return summaries.front();
        std::vector<std::string> merged;
        for (const auto& group : groups) {
            merged.push_back(trimmed(generate(prompts.mergePrompt(what, group), maxNewTokens, stop)));
            step();
        }
        if (groups.size() == 1)
            return merged.front();
        summaries = std::move(merged);
    }
}

void GenerationRunner::summarize(qint64 requestId, const QString& sessionPath, qint64 documentId, int maxNewTokens)
{
    const auto stop = m_service->beginRequest();
    m_service->reportStarted(tr("Summarizing the report"));
    try {
        checkReady();
        const PromptBuilder prompts = promptBuilder(maxNewTokens);
        SessionStore store = SessionStore::open(sessionPath.toStdString());
        const Document document = documentFromStore(store, documentId);
        const auto parts = reportParts(document, store.structure(documentId));

        // Map: every part split into pieces that fit the context. The total is the number of generations expected.
        std::vector<std::vector<std::string>> pieces;
        std::int64_t total = 1, done = 0;
        for (const auto& part : parts) {
            throwIfStopRequested(stop);
            pieces.push_back(prompts.splitToFit(
                part.what(), std::string_view(document.text()).substr(part.begin, part.end - part.begin)));
            total += std::int64_t(pieces.back().size()) + (pieces.back().size() > 1 ? 1 : 0);
        }
        auto progress = m_service->progressReporter();
        const auto step = [&] {
            ++done;
            total = std::max(total, done + 1);
            progress(done, total);
        };
        progress(0, total);

        // Every piece of every part summarised together (batched decoding), then each part's summaries merged.
        std::vector<std::string> piecePrompts;
        for (std::size_t i = 0; i < parts.size(); ++i)
            for (const auto& piece : pieces[i])
                piecePrompts.push_back(prompts.summaryPrompt(parts[i].what(), piece));
        const auto pieceSummaries = generateAll(piecePrompts, maxNewTokens, stop, step);

        std::vector<std::string> sectionSummaries, plainSummaries;
        std::size_t next = 0;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const auto& part = parts[i];
            std::vector<std::string> partial;
            for (std::size_t n = 0; n < pieces[i].size(); ++n)
                partial.push_back(trimmed(pieceSummaries[next++]));
            const std::string summary = mergeAll(prompts, part.what(), partial, maxNewTokens, stop, step);
            sectionSummaries.push_back(part.what() + ": " + summary);
            plainSummaries.push_back(summary);
            const nlohmann::json response
                = { { "summary", summary }, { "page_start", part.pageStart }, { "page_end", part.pageEnd } };
            store.addHistory(
                "summary", part.item.empty() ? "document" : "Item " + part.item, response.dump(), documentId);
            emit sectionSummarized(requestId, QString::fromStdString(part.item), QString::fromStdString(part.title),
                part.pageStart, part.pageEnd, QString::fromStdString(summary));
        }
        const std::string report = plainSummaries.size() == 1
            ? plainSummaries.front()
            : mergeAll(prompts, "the whole report", sectionSummaries, maxNewTokens, stop, step);
        progress(total, total);
        store.addHistory("summary", "report", nlohmann::json { { "summary", report } }.dump(), documentId);
        emit summaryFinished(requestId, QString::fromStdString(report));
    } catch (const CancelledError&) {
        emit generationCancelled(requestId);
    } catch (const std::exception& e) {
        spdlog::warn("summarizing failed: {}", e.what());
        emit generationFailed(requestId, QString::fromStdString(e.what()));
    }
    m_service->reportFinished();
}

} // namespace moescope
