// Generated from the #[tauri::command]s in src/commands by
// `UPDATE_CONTRACT=1 cargo test -p draftloop-desktop contract`; do not edit.

/// Every command the window may call.
macro_rules! handlers {
    () => {
        tauri::generate_handler![
            commands::dataset::export_preview,
            commands::dataset::export_dataset,
            commands::dataset::cancel_job,
            commands::dataset::import_history,
            commands::documents::list_documents,
            commands::documents::document_summaries,
            commands::documents::get_document,
            commands::documents::create_document,
            commands::documents::rename_document,
            commands::documents::save_document_text,
            commands::documents::delete_document,
            commands::feedback::record_feedback,
            commands::feedback::document_feedback,
            commands::feedback::document_changes,
            commands::feedback::set_feedback_schema,
            commands::feedback::export_document,
            commands::generation::set_document_brief,
            commands::generation::generate,
            commands::generation::revise,
            commands::generation::diff_texts,
            commands::generation::cancel_variant,
            commands::generation::apply_generation,
            commands::generation::restore_revision,
            commands::generation::document_requests,
            commands::generation::list_revisions,
            commands::insights::project_insights,
            commands::insights::accept_suggestion,
            commands::insights::reject_suggestion,
            commands::projects::list_projects,
            commands::projects::create_project,
            commands::projects::rename_project,
            commands::projects::delete_project,
            commands::prompts::list_prompt_versions,
            commands::prompts::save_prompt,
            commands::prompts::restore_prompt_version,
            commands::providers::list_providers,
            commands::providers::add_provider,
            commands::providers::remove_provider,
            commands::providers::test_provider,
            commands::providers::detect_local_providers,
            commands::workspace::workspace_info,
            commands::workspace::set_display_name,
        ]
    };
}
