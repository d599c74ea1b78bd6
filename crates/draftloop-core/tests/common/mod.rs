//! What several test files set up the same way.

// Each test file uses only some of these.
#![allow(dead_code)]

use draftloop_core::document::DocumentText;
use draftloop_core::generation::{Generation, GenerationContext};
use draftloop_core::llm::{ChatMessage, Completion, CompletionRequest, Role};
use draftloop_core::{Actor, NewProject, Workspace};

/// A workspace in `dir`, acting as alice, with an email project "Spring"; its id.
pub fn spring(dir: &std::path::Path) -> (Workspace, String) {
    let mut ws = Workspace::open(dir, Actor::new("test:alice")).expect("opened");
    let project = ws
        .create_project(&NewProject {
            name: "Spring".into(),
            content_type: "email".into(),
        })
        .expect("created");
    (ws, project.id)
}

/// One request's variants of a draft for `document`, as a provider would have written
/// them, with the first put in the editor.
pub fn drafted(
    ws: &mut Workspace,
    document: &str,
    prompt_version: Option<&str>,
    texts: &[&str],
) -> Vec<Generation> {
    let request = CompletionRequest::new("m-1", vec![ChatMessage::new(Role::User, "write")]);
    let ctx = GenerationContext {
        document_id: Some(document),
        provider: "p",
        prompt_version_id: prompt_version,
        request: &request,
    };
    let completion = Completion::whole(texts.iter().copied());
    let variants = ws
        .record_generation(&ctx, &Ok(completion))
        .expect("recorded");
    ws.apply_generation(document, &variants[0].id, &DocumentText::markdown(texts[0]))
        .expect("applied");
    variants
}
