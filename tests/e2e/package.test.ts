// Installed like a desktop app: the release .deb that ./scripts/package builds holds the
// binary, a desktop entry and its icons, and the packaged binary, unpacked as dpkg would
// install it, opens its window. The .rpm beside it is an RPM.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Desktop, ROOT, screenshot } from "./harness";

const BUNDLE = join(ROOT, "target/release/bundle");

function built(kind: "deb" | "rpm"): string {
  const dir = join(BUNDLE, kind);
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith(`.${kind}`)) : undefined;
  if (!file) throw new Error(`no .${kind} in ${dir}: run ./scripts/package first`);
  return join(dir, file);
}

describe("The package", () => {
  const desktop = new Desktop();
  before(() => desktop.start());
  after(() => desktop.stop());

  it("installs from the .deb with its desktop entry and icons, and the packaged app opens its window", async () => {
    const deb = built("deb");
    const field = (name: string) => execFileSync("dpkg-deb", ["-f", deb, name], { encoding: "utf8" }).trim();
    assert.equal(field("Package"), "draftloop");
    assert.equal(field("Version"), "0.1.0");
    assert.match(field("Depends"), /libwebkit2gtk-4\.1-0/);

    const root = mkdtempSync(join(tmpdir(), "draftloop-deb-"));
    execFileSync("dpkg-deb", ["-x", deb, root]);
    const binary = join(root, "usr/bin/draftloop-desktop");
    accessSync(binary, constants.X_OK);

    // The desktop entry a launcher lists, and the icon it names, at the sizes shipped.
    const entries = readdirSync(join(root, "usr/share/applications")).filter((f) => f.endsWith(".desktop"));
    assert.equal(entries.length, 1, `desktop entries: ${entries.join(", ")}`);
    const entry = readFileSync(join(root, "usr/share/applications", entries[0] as string), "utf8");
    const key = (name: string) => new RegExp(`^${name}=(.*)$`, "m").exec(entry)?.[1];
    assert.equal(key("Name"), "Draftloop");
    assert.equal(key("Type"), "Application");
    assert.equal(key("Exec")?.split(" ")[0], "draftloop-desktop");
    assert.ok(existsSync(join(root, "usr/bin", key("Exec")?.split(" ")[0] as string)), "Exec names the packaged binary");
    const icon = key("Icon") as string;
    assert.ok(icon, "the entry names an icon");
    const icons = join(root, "usr/share/icons/hicolor");
    const sizes = readdirSync(icons).filter((size) => existsSync(join(icons, size, "apps", `${icon}.png`)));
    assert.ok(sizes.includes("32x32") && sizes.includes("128x128"), `icon ${icon} at ${sizes.join(", ")}`);

    // The .rpm is an RPM (its lead's magic).
    assert.equal(readFileSync(built("rpm")).subarray(0, 4).toString("hex"), "edabeedb");

    // The packaged binary, as installed, to its first window.
    const s = await desktop.launchBinary(binary, desktop.dataDir("packaged"));
    try {
      await s.waitFor('[data-testid="new-project"]', 30000);
      assert.equal(await s.execute("return document.title;"), "Draftloop");
      await s.painted();
      await screenshot(s, "92-packaged-app-first-window");
    } finally {
      await s.quit();
    }
  });
});
