// The first screen's reads, asked for before the app's script has loaded: the core
// answers them while WebKit parses and runs that script (about 100 ms), and the app's
// first calls of the same commands take these answers (`call` in src/api/tauri.ts)
// instead of asking again. A classic script in <head>, so it runs at once; it is a
// file of the app's own origin, as the CSP wants. The page size comes from index.html.
(function () {
  var ipc = window.__TAURI_INTERNALS__;
  var script = document.currentScript;
  var perProject = Number(script && script.dataset.perProject);
  if (!ipc || !perProject) return;
  var early = {};
  var ask = function (command, args) {
    var answer = ipc.invoke(command, args);
    // Marked handled: an answer nobody takes (a page size changed) is not an error.
    answer.catch(function () {});
    early[command + " " + JSON.stringify(args)] = answer;
  };
  ask("workspace_info", {});
  ask("list_projects", {});
  ask("document_list", { perProject: perProject });
  window.__draftloopEarly = early;
})();
