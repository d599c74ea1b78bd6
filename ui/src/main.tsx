import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, readFirst } from "./App";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
void readFirst().then((first) =>
  createRoot(root).render(
    <StrictMode>
      <App first={first} />
    </StrictMode>,
  ),
);
