import { describe, expect, it } from "vitest";
import { safeHref } from "./links";

describe("safeHref", () => {
  it("keeps http and https links", () => {
    expect(safeHref("https://example.org/a?b=c#d")).toBe("https://example.org/a?b=c#d");
    expect(safeHref("http://example.org")).toBe("http://example.org/");
    expect(safeHref("HTTPS://Example.org/x")).toBe("https://example.org/x");
  });

  it("refuses every other scheme", () => {
    for (const link of [
      "javascript:alert(1)",
      "JavaScript:alert(document.cookie)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "ftp://example.org/",
      "blob:https://example.org/0b6f",
      "mailto:someone@example.org",
    ]) {
      expect(safeHref(link), link).toBeUndefined();
    }
  });

  it("refuses what a browser would clean into a script link", () => {
    for (const link of [" javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)", "\u0001javascript:alert(1)", "https://example.org/\n"]) {
      expect(safeHref(link), JSON.stringify(link)).toBeUndefined();
    }
  });

  it("refuses relative, empty and hostless links", () => {
    for (const link of ["", null, undefined, "example.org", "/odyssey/x", "//evil.example/", "https://"]) {
      expect(safeHref(link), String(link)).toBeUndefined();
    }
  });
});
