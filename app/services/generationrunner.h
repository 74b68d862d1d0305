#pragma once
// Text generation with an instruct/chat model on the InferenceService thread: answers to questions over retrieved
// passages, streamed as pieces batched every ~30 ms, and map-reduce summaries of a report (each section, then the
// whole report) with progress. A child of InferenceService (lives on its thread): call the slots queued, connect to
// the value signals from anywhere. Cancel through InferenceService::cancel(). Answers and summaries are recorded in
// the session's history (one small transaction each).

#include "runtime/engine.h"
#include "services/workbenchtypes.h"
#include "tokenizer/chatmessage.h"

#include <QObject>
#include <QString>

#include <functional>
#include <stop_token>
#include <string>
#include <vector>

namespace moescope {

class InferenceService;
class PromptBuilder;

class GenerationRunner : public QObject {
    Q_OBJECT

public:
    explicit GenerationRunner(InferenceService* service);

public slots:
    void answer(
        qint64 requestId, const QString& sessionPath, const moescope::RetrievalContext& context, int maxNewTokens);
    void summarize(qint64 requestId, const QString& sessionPath, qint64 documentId, int maxNewTokens);

signals:
    void answerStarted(qint64 requestId, int passagesUsed);
    void answerPiece(qint64 requestId, const QString& text);
    void answerFinished(qint64 requestId, const QString& text, const QString& stopReason);
    void sectionSummarized(
        qint64 requestId, const QString& item, const QString& title, int pageStart, int pageEnd, const QString& text);
    void summaryFinished(qint64 requestId, const QString& text);
    void generationFailed(qint64 requestId, const QString& message);
    void generationCancelled(qint64 requestId);

private:
    PromptBuilder promptBuilder(int maxNewTokens) const;
    // Greedy, ending at the model's or the tokenizer's end-of-sequence token.
    SamplingOptions replyOptions(int maxNewTokens) const;
    // Generates a reply to a rendered prompt; onPiece (if set) gets the text in batches of ~30 ms.
    std::string generate(const std::string& prompt, int maxNewTokens, std::stop_token stop,
        const std::function<void(const QString&)>& onPiece = {}, QString* stopReason = nullptr);
    // Replies to several rendered prompts, generated together (batched decoding); step() counts each reply.
    std::vector<std::string> generateAll(const std::vector<std::string>& prompts, int maxNewTokens,
        std::stop_token stop, const std::function<void()>& step);
    // Merges summaries into one, in as many rounds as the context needs; step() counts each generation.
    std::string mergeAll(const PromptBuilder& prompts, const std::string& what, std::vector<std::string> summaries,
        int maxNewTokens, std::stop_token stop, const std::function<void()>& step);
    void checkReady() const;

    InferenceService* m_service;
};

} // namespace moescope
