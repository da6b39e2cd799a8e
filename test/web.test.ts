import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import createClient from "openapi-fetch";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { paths } from "../web/api/schema.ts";
import { buildWebIfStale } from "../web/build-if-stale.ts";
import { tempDir } from "./support/projects.ts";
import {
  killAll,
  ownerPassword,
  type ServedStudio,
  serve,
  signIn,
  stop,
} from "./support/studio.ts";

/**
 * The web studio in a real Chromium (Debian's, headless) against a real `controlroom serve`
 * on a fresh data folder: a newcomer signs in with the printed password, opens the demo,
 * moves the master fader from the keyboard, and the revision is saved; a second member on
 * another browser sees a fader move within a second. Screenshots go to test-artifacts/web.
 */
const CHROMIUM = process.env.CONTROLROOM_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = path.join(import.meta.dirname, "..", "test-artifacts", "web");
const OWNER = "owner@controlroom.local";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`${CHROMIUM} is missing: the web studio's browser tests are skipped`);
}

describe.skipIf(!hasChromium)("the web studio in a browser", () => {
  let studio: ServedStudio;
  let browser: Browser;
  let password: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    await buildWebIfStale({ quiet: true });
    studio = await serve(path.join(await tempDir("controlroom-web-"), "data"));
    password = ownerPassword(studio.output());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        // Playback starts from a key press in the test, as a person's would; a headless
        // Chromium has no sound card, so the audio goes to a fake output device.
        "--autoplay-policy=no-user-gesture-required",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
      ],
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (studio) await stop(studio.child);
    killAll();
  });

  /** A page that records what the console said and what failed to load. */
  async function newPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    return { page, problems };
  }

  async function signInAs(page: Page, email: string, secret: string): Promise<void> {
    await page.goto(studio.url);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(secret);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Projects" }).waitFor();
  }

  function apiAs(session: { cookie: string; csrf: string }) {
    return createClient<paths>({
      baseUrl: studio.url.replace(/\/$/, ""),
      headers: { cookie: session.cookie, "x-csrf-token": session.csrf },
    });
  }

  it("lets a newcomer sign in, open the demo and move the master fader, which is saved", async () => {
    const { page, problems } = await newPage();
    await signInAs(page, OWNER, password);
    expect(await page.evaluate("crossOriginIsolated")).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, "projects.png") });

    await page.getByRole("link", { name: "Control Room Demo" }).click();
    const canvas = page.getByRole("img", { name: /Arrangement/ });
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(box!.height).toBeGreaterThan(200);
    await expect
      .poll(() => page.getByRole("slider", { name: /fader$/ }).count())
      .toBeGreaterThan(3);
    await page.getByRole("slider", { name: "Bass fader" }).waitFor();
    await page.getByRole("button", { name: "Bass mute" }).waitFor();
    await page.getByRole("slider", { name: "Bass pan" }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, "workspace.png") });

    // Four steps down from 0 dB is −2 dB (0.5 dB a step near unity).
    const master = page.getByRole("slider", { name: "Master fader" });
    expect(await master.getAttribute("aria-valuetext")).toBe("0.0 dB");
    await master.focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowDown");
    expect(await master.getAttribute("aria-valuetext")).toBe("−2.0 dB");
    await page
      .getByRole("status")
      .filter({ hasText: /^Saved/ })
      .waitFor();

    const projectId = decodeURIComponent(new URL(page.url()).pathname.split("/")[2]);
    const owner = apiAs(await signIn(studio.url, OWNER, password));
    const saved = await owner.GET("/api/projects/{projectId}", {
      params: { path: { projectId }, query: { include: "document" } },
    });
    const document = saved.data!.document as { master: { strip: { faderDb: number } } };
    expect(document.master.strip.faderDb).toBe(-2);
    expect(saved.data!.currentRevision).toBeGreaterThan(1);
    await page.getByLabel("Console").screenshot({ path: path.join(ARTIFACTS, "console.png") });

    // Zoom in with the keyboard and scroll: the canvas repaints, the page does not complain.
    await page.mouse.click(box!.x + box!.width / 2, box!.y + box!.height / 2);
    await page.keyboard.press("+");
    await page.keyboard.press("+");
    await page.mouse.wheel(0, 200);
    await page.screenshot({ path: path.join(ARTIFACTS, "workspace-zoomed.png") });
    expect(problems).toEqual([]);
  });

  it("plays the demo in a newcomer's first minute: Space, and the position and master meter move", async () => {
    const { page, problems } = await newPage();
    await signInAs(page, OWNER, password);
    await page.getByRole("link", { name: "Control Room Demo" }).click();
    await page.getByRole("img", { name: /Arrangement/ }).waitFor();
    const play = page.getByRole("button", { name: "Play" });
    await expect.poll(() => play.isEnabled(), { timeout: 20_000 }).toBe(true);
    expect(await page.evaluate("crossOriginIsolated")).toBe(true);
    const position = page.getByLabel("Position in minutes and seconds");
    const seconds = async () => Number(await position.getAttribute("data-seconds"));
    const before = await seconds();

    // Every source's waveform has arrived from the server's peaks.
    const arrangement = page.getByRole("img", { name: /Arrangement/ });
    await expect
      .poll(async () => Number(await arrangement.getAttribute("data-waveforms")), {
        timeout: 20_000,
      })
      .toBeGreaterThanOrEqual(5);

    await page.locator("body").press("Space");
    await page.waitForTimeout(2000);
    const after = await seconds();
    const masterMeter = page.getByRole("meter", { name: "Master meter" });
    const masterDb = Number(await masterMeter.getAttribute("value"));
    const overloads = await page
      .getByRole("toolbar", { name: "Transport" })
      .getAttribute("data-overloads");
    console.log(
      `moved ${(after - before).toFixed(3)} s in 2 s; master peak ${masterDb} dBFS; overloaded blocks ${overloads}`,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, "playing.png") });
    await arrangement.screenshot({ path: path.join(ARTIFACTS, "arrangement-waveforms.png") });
    await page
      .getByLabel("Console")
      .screenshot({ path: path.join(ARTIFACTS, "console-meters.png") });
    expect(after - before).toBeGreaterThanOrEqual(1.5);
    expect(masterDb).toBeGreaterThan(-40);
    expect(await page.getByLabel("Position in bars and beats").textContent()).not.toBe("1.1");

    // Space again stops; Home returns to the start.
    await page.locator("body").press("Space");
    await expect
      .poll(() => page.getByRole("toolbar", { name: "Transport" }).getAttribute("data-playing"))
      .toBe("false");
    await page.locator("body").press("Home");
    await expect.poll(seconds).toBe(0);
    expect(problems).toEqual([]);
  });

  it("shows an engineer's fader move to the producer within a second", async () => {
    const ownerSession = await signIn(studio.url, OWNER, password);
    const owner = apiAs(ownerSession);
    const projects = await owner.GET("/api/projects");
    const demo = projects.data!.projects.find((project) => project.title === "Control Room Demo")!;
    const invited = await owner.POST("/api/projects/{projectId}/invitations", {
      params: { path: { projectId: demo.id } },
      body: { email: "sam@studio.test", role: "engineer" },
    });
    expect(invited.response.status).toBe(200);

    // The engineer joins through the invitation page, on a browser of their own.
    const engineer = await newPage();
    await engineer.page.goto(invited.data!.link);
    await engineer.page.getByText("Control Room Demo").first().waitFor();
    await engineer.page.getByLabel("Your name").fill("Sam");
    await engineer.page.getByLabel("Choose a password").fill("a long pass phrase for sam");
    await engineer.page.screenshot({ path: path.join(ARTIFACTS, "invitation.png") });
    await engineer.page.getByRole("button", { name: "Create account and join" }).click();
    const engineerFader = engineer.page.getByRole("slider", { name: "Bass fader" });
    await engineerFader.waitFor();

    // The producer has the project open.
    const producer = await newPage();
    await signInAs(producer.page, OWNER, password);
    await producer.page.goto(`${studio.url}projects/${encodeURIComponent(demo.id)}`);
    const producerFader = producer.page.getByRole("slider", { name: "Bass fader" });
    await producerFader.waitFor();
    // Both pages have their audio loaded (the sources stream from the same server), and
    // the feed is subscribed.
    for (const page of [engineer.page, producer.page]) {
      const play = page.getByRole("button", { name: "Play" });
      await expect.poll(() => play.isEnabled(), { timeout: 20_000 }).toBe(true);
    }
    await producer.page.waitForTimeout(300);
    const before = Number(await producerFader.getAttribute("aria-valuenow"));

    await engineerFader.focus();
    await engineer.page.keyboard.press("PageDown");
    const expected = Number(await engineerFader.getAttribute("aria-valuenow"));
    expect(expected).toBeCloseTo(before - 6, 5);
    const moved = Date.now();
    let shown = before;
    while (shown !== expected && Date.now() - moved < 1000) {
      shown = Number(await producerFader.getAttribute("aria-valuenow"));
    }
    expect(shown).toBe(expected);
    const seenAfter = Date.now() - moved;
    expect(seenAfter).toBeLessThan(1000);
    await producer.page.screenshot({ path: path.join(ARTIFACTS, "producer-sees-engineer.png") });
    await producer.page.goto(`${studio.url}projects/${encodeURIComponent(demo.id)}/members`);
    await producer.page.getByRole("cell", { name: "Sam", exact: true }).waitFor();
    await producer.page.screenshot({ path: path.join(ARTIFACTS, "members.png") });
    expect(engineer.problems).toEqual([]);
    expect(producer.problems).toEqual([]);
  });
});
