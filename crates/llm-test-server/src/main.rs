//! Runs the test LLM server until killed, for end-to-end tests of the desktop app.
//! Prints `listening on http://127.0.0.1:PORT` once it accepts connections.

use std::process::ExitCode;

fn main() -> ExitCode {
    let port = std::env::args()
        .skip_while(|a| a != "--port")
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let key = std::env::var("LLM_TEST_SERVER_KEY").ok();
    let server = match llm_test_server::TestLlmServer::start_on(port, key) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("llm-test-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    let latency_ms: u64 = std::env::args()
        .skip_while(|a| a != "--latency-ms")
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    server.set_latency(std::time::Duration::from_millis(latency_ms));
    if let Some(path) = std::env::var_os("LLM_TEST_SERVER_LOG") {
        server.log_to(path.into());
    }
    println!("listening on http://{}", server.addr());
    loop {
        std::thread::park();
    }
}
