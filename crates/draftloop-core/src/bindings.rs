//! The TypeScript types the UI uses, generated from these Rust types. A test compares
//! the output with the checked-in `ui/src/bindings.ts`, so a stale file fails CI.

use ts_rs::TS;

use crate::{
    audit, diff, document, error, export, feedback, generation, host, import, insights, jobs, llm,
    metrics, mining, profile, project, prompt, provider, review, revision, search, store,
};

/// The whole bindings file.
pub fn typescript() -> String {
    let decls = [
        error::ErrorKind::decl(),
        error::ErrorPayload::decl(),
        project::Project::decl(),
        project::NewProject::decl(),
        project::RubricDimension::decl(),
        review::RoutingPolicy::decl(),
        review::Checks::decl(),
        review::Fallback::decl(),
        review::RoutingVersion::decl(),
        review::Signal::decl(),
        review::Reason::decl(),
        review::Confidence::decl(),
        review::ReliabilityBin::decl(),
        review::Route::decl(),
        review::Routed::decl(),
        review::ReviewKind::decl(),
        review::QueueItem::decl(),
        review::QueueOrder::decl(),
        review::QueueFilter::decl(),
        review::ReviewDecision::decl(),
        review::DocumentTextInput::decl(),
        review::Reviewed::decl(),
        review::Adaptive::decl(),
        review::MultiReview::decl(),
        review::Judge::decl(),
        review::confidence::JudgeVerdict::decl(),
        review::adaptive::ThresholdSuggestion::decl(),
        review::approval::PromptApproval::decl(),
        review::publish::PublishFormat::decl(),
        review::publish::PublishSummary::decl(),
        review::batch::BatchSummary::decl(),
        review::batch::BatchFailure::decl(),
        review::batch::BatchProgress::decl(),
        document::Document::decl(),
        document::DocumentSummary::decl(),
        document::DocumentList::decl(),
        document::ProjectCount::decl(),
        document::DocumentStatus::decl(),
        document::DocumentText::decl(),
        document::EmailFields::decl(),
        search::SearchHit::decl(),
        metrics::Metrics::decl(),
        metrics::MetricsScope::decl(),
        metrics::Figure::decl(),
        metrics::DraftRef::decl(),
        metrics::ReviewTime::decl(),
        metrics::ReviewerTime::decl(),
        metrics::VersionDistance::decl(),
        metrics::RoutingQuality::decl(),
        metrics::Agreement::decl(),
        metrics::DimensionAgreement::decl(),
        metrics::QueueNow::decl(),
        metrics::WeekFigures::decl(),
        metrics::TagCount::decl(),
        metrics::RatingCounts::decl(),
        search::SnippetPiece::decl(),
        audit::AuditEntry::decl(),
        audit::ChainBreak::decl(),
        audit::AuditFilter::decl(),
        audit::AuditRow::decl(),
        audit::AuditPage::decl(),
        audit::AuditCheck::decl(),
        profile::ProfileRole::decl(),
        profile::Profile::decl(),
        store::WorkspaceInfo::decl(),
        llm::ProviderKind::decl(),
        llm::Role::decl(),
        llm::ChatMessage::decl(),
        llm::Token::decl(),
        provider::Provider::decl(),
        provider::NewProvider::decl(),
        prompt::PromptVersion::decl(),
        generation::Generation::decl(),
        generation::VariantSet::decl(),
        revision::Revision::decl(),
        generation::GenerateRequest::decl(),
        generation::ReviseRequest::decl(),
        provider::ProviderCheck::decl(),
        llm::local::LocalServer::decl(),
        host::Notice::decl(),
        store::Changed::decl(),
        jobs::JobKind::decl(),
        jobs::JobInfo::decl(),
        diff::DiffKind::decl(),
        diff::DiffSpan::decl(),
        mining::Kind::decl(),
        mining::Example::decl(),
        mining::Suggestion::decl(),
        mining::MiningReport::decl(),
        insights::Insight::decl(),
        insights::CurvePoint::decl(),
        insights::Insights::decl(),
        insights::AuthorEdits::decl(),
        insights::SuggestionDecision::decl(),
        insights::phrase::PhraseRequest::decl(),
        insights::phrase::EmbeddingsSource::decl(),
        insights::phrase::PhraseProgress::decl(),
        insights::phrase::Phrased::decl(),
        feedback::Span::decl(),
        feedback::Verdict::decl(),
        feedback::Feedback::decl(),
        feedback::FeedbackEvent::decl(),
        feedback::SpanNote::decl(),
        feedback::Rating::decl(),
        feedback::DocumentFeedback::decl(),
        feedback::TimelineEntry::decl(),
        feedback::changes::ChangeKind::decl(),
        feedback::changes::Change::decl(),
        feedback::changes::Author::decl(),
        feedback::changes::DocumentChanges::decl(),
        export::Format::decl(),
        export::Filters::decl(),
        export::MinRating::decl(),
        export::ExportOptions::decl(),
        export::ExportSummary::decl(),
        export::MaskedCounts::decl(),
        export::ExportProgress::decl(),
        export::ExportPreview::decl(),
        export::ExportTarget::decl(),
        import::ImportProgress::decl(),
        import::ImportSummary::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust core by `UPDATE_BINDINGS=1 cargo test -p draftloop-core \
         bindings`.\n// Do not edit by hand.\n",
    );
    for decl in decls {
        out.push_str("\nexport ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn bindings_are_fresh() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings.ts");
        let generated = super::typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write bindings");
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p draftloop-core bindings` and commit it"
        );
    }
}
