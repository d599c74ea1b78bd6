//! The UI contract, declared once: the commands are the `#[tauri::command]` functions
//! in `src/commands/`. From them this test writes the handler list the app registers
//! (`src/commands/handlers.rs`) and the TypeScript the UI calls them through
//! (`ui/src/api/commands.ts`: each command's name, argument names and types, and what
//! it returns), and fails when either checked-in file is stale.
//!
//! `UPDATE_CONTRACT=1 cargo test -p draftloop-desktop contract` rewrites both.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::{FnArg, GenericArgument, Item, PathArguments, ReturnType, Type};

struct Command {
    module: String,
    name: String,
    /// (camelCase name, TypeScript type)
    args: Vec<(String, String)>,
    returns: String,
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn generic(args: &PathArguments) -> Vec<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A Rust type as the UI receives it; names of the core's types are collected, since
/// they come from the generated bindings.
fn ts(ty: &Type, named: &mut BTreeSet<String>) -> String {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => "void".into(),
        Type::Reference(r) => ts(&r.elem, named),
        Type::Path(p) => {
            let last = p.path.segments.last().expect("a type has a name");
            let inner = generic(&last.arguments);
            match last.ident.to_string().as_str() {
                "String" | "str" | "PathBuf" => "string".into(),
                "bool" => "boolean".into(),
                "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" | "f32" | "f64" => {
                    "number".into()
                }
                "Option" => format!("{} | null", ts(inner[0], named)),
                "Vec" => format!("Array<{}>", ts(inner[0], named)),
                "BTreeMap" | "HashMap" => {
                    format!("Record<{}, {}>", ts(inner[0], named), ts(inner[1], named))
                }
                "CommandResult" => ts(inner[0], named),
                "Channel" => format!("ChannelOf<{}>", ts(inner[0], named)),
                other => {
                    named.insert(other.to_owned());
                    other.to_owned()
                }
            }
        }
        _ => panic!("a command takes a type the contract cannot name"),
    }
}

fn commands_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/commands")
}

fn commands(named: &mut BTreeSet<String>) -> Vec<Command> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(commands_dir())
        .expect("src/commands")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter(|p| !p.ends_with("mod.rs") && !p.ends_with("handlers.rs"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let module = file
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let source = std::fs::read_to_string(&file).expect("read");
        let parsed = syn::parse_file(&source).expect("parse");
        for item in parsed.items {
            let Item::Fn(f) = item else { continue };
            let is_command = f.attrs.iter().any(|a| {
                let segments: Vec<String> = a
                    .path()
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                segments == ["tauri", "command"]
            });
            if !is_command {
                continue;
            }
            let mut args = Vec::new();
            for input in &f.sig.inputs {
                let FnArg::Typed(arg) = input else { continue };
                let Type::Path(p) = arg.ty.as_ref() else {
                    panic!(
                        "{}: an argument of a command needs a named type",
                        f.sig.ident
                    )
                };
                if p.path.segments.last().is_some_and(|s| s.ident == "State") {
                    continue;
                }
                let syn::Pat::Ident(name) = arg.pat.as_ref() else {
                    panic!("{}: an argument of a command needs a name", f.sig.ident)
                };
                args.push((camel(&name.ident.to_string()), ts(&arg.ty, named)));
            }
            let returns = match &f.sig.output {
                ReturnType::Default => "void".into(),
                ReturnType::Type(_, ty) => ts(ty, named),
            };
            out.push(Command {
                module: module.clone(),
                name: f.sig.ident.to_string(),
                args,
                returns,
            });
        }
    }
    out
}

fn handlers(commands: &[Command]) -> String {
    let mut out = String::from(
        "// Generated from the #[tauri::command]s in src/commands by\n\
         // `UPDATE_CONTRACT=1 cargo test -p draftloop-desktop contract`; do not edit.\n\n\
         /// Every command the window may call.\n\
         macro_rules! handlers {\n    () => {\n        tauri::generate_handler![\n",
    );
    for c in commands {
        out.push_str(&format!(
            "            commands::{}::{},\n",
            c.module, c.name
        ));
    }
    out.push_str("        ]\n    };\n}\n");
    out
}

fn typescript(commands: &[Command], named: &BTreeSet<String>) -> String {
    let mut out = String::from(
        "// Generated from the #[tauri::command]s in src-tauri/src/commands by\n\
         // `UPDATE_CONTRACT=1 cargo test -p draftloop-desktop contract`; do not edit.\n",
    );
    let imports: Vec<&str> = named.iter().map(String::as_str).collect();
    out.push_str(&format!(
        "import type {{ {} }} from \"../bindings\";\n\n",
        imports.join(", ")
    ));
    out.push_str(
        "/** What a command streams to: a Tauri `Channel` of these messages. */\n\
         export interface ChannelOf<T> {\n  onmessage: (message: T) => void;\n}\n\n\
         /** Each command: the arguments it takes, by name, and what it resolves with. */\n\
         export interface Commands {\n",
    );
    for c in commands {
        let args: Vec<String> = c.args.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        out.push_str(&format!(
            "  {}: {{ args: {{ {} }}; returns: {} }};\n",
            c.name,
            args.join("; "),
            c.returns
        ));
    }
    out.push_str("}\n");
    out.replace("args: {  }", "args: Record<string, never>")
}

fn check(path: &Path, generated: &str) {
    if std::env::var_os("UPDATE_CONTRACT").is_some() {
        std::fs::write(path, generated).expect("write");
    }
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{} is stale: run `UPDATE_CONTRACT=1 cargo test -p draftloop-desktop contract` and commit it",
        path.display()
    );
}

#[test]
fn the_ui_contract_is_fresh() {
    let mut named = BTreeSet::new();
    let commands = commands(&mut named);
    assert!(commands.len() > 30, "the commands were found");
    check(&commands_dir().join("handlers.rs"), &handlers(&commands));
    check(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/api/commands.ts"),
        &typescript(&commands, &named),
    );
}
