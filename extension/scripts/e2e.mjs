/* global fetch, getComputedStyle, setTimeout */
// The extension's end-to-end tier, in a real VS Code (code-server) driven by
// Playwright with Debian's Chromium. Recipe: ../../shared/vscode-e2e.md.
//
// 1. installs code-server if missing (scripts/install-code-server.sh);
// 2. builds, packages the .vsix and installs it into code-server;
// 3. starts a devnet (anvil, market, provider daemon + Docker) in a fresh ORANGE_HOME;
// 4. runs src/test/e2e in code-server's extension host against the installed .vsix;
//    the suite asks this script, through its console, for what only a browser can do
//    (type into the Command Palette, click a modal's button, take the screenshot);
// 5. screenshots the editor, output and job view into media/screenshot.png, and the main
//    states (offline, walkthrough, Share Compute) into media/<state>.png when the suite asks;
// 6. stops the devnet, code-server and the browser. Exits non-zero on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { format } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { bundle } from '../esbuild.mjs';
import { e2eWorkspace } from './e2e-workspace.mjs';

const extensionDir = dirname(dirname(fileURLToPath(import.meta.url)));
const repo = dirname(extensionDir);
const e2eDir = join(extensionDir, '.e2e');
const codeServer = join(e2eDir, 'code-server/node_modules/code-server/out/node/entry.js');
const SUITE_LIMIT_MS = 9 * 60_000;

const log = (line) => process.stderr.write(`[e2e] ${line}\n`);

function run(command, args, options = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function waitForHttp(url, child, limitMs = 60_000) {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${limitMs / 1000} s`);
}

/** A minimal extension that only carries the test bundle; the product is the installed .vsix. */
async function buildTestDriver(driverDir) {
  await mkdir(driverDir, { recursive: true });
  await writeFile(
    join(driverDir, 'package.json'),
    JSON.stringify({
      name: 'orange-cloud-e2e-driver',
      publisher: 'orange-cloud',
      version: '0.0.0',
      engines: { vscode: '^1.95.0' },
    }),
  );
  await bundle({
    entry: 'src/test/e2e/index.ts',
    outfile: '.e2e/driver/out/index.cjs',
    external: ['mocha'], // loaded from the repository's node_modules
  });
}

/** Runs a command as a user does: F1, its title typed, its row clicked. Retries while the window loads. */
async function runCommand(page, title, limitMs = 60_000) {
  const quickInput = page.locator('.quick-input-widget');
  const row = quickInput.locator('.monaco-list-row', { hasText: title }).first();
  const end = Date.now() + limitMs;
  for (;;) {
    try {
      await page.keyboard.press('F1');
      await quickInput.locator('input').waitFor({ state: 'visible', timeout: 5_000 });
      await page.keyboard.type(title);
      await row.click({ timeout: 5_000 });
      return;
    } catch (error) {
      // The palette opened before the extension's commands were known, or not at all yet.
      if (Date.now() > end) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * What the suite can ask for by logging `orange-e2e:<name>`: things only a
 * browser can do. Each resolves with what the suite should check.
 */
function uiActions(page, windowUrl, screenshotPath) {
  return {
    // Taken while the suite's views are still alive.
    screenshot: async () => {
      await page.screenshot({ path: screenshotPath });
      return 'taken';
    },
    // The main states, for the README: written straight into media/<state>.png.
    // Each waits (briefly) for what it shows to be drawn: the walkthrough's steps, the view's rows.
    ...Object.fromEntries(
      Object.entries({
        offline: '.welcome-view-content',
        share: '.monaco-list-row',
      }).map(([state, drawn]) => [
        `screenshot-${state}`,
        async () => {
          await page
            .locator(drawn)
            .first()
            .waitFor({ state: 'visible', timeout: 10_000 })
            .catch(() => undefined);
          await page.screenshot({ path: join(extensionDir, `media/${state}.png`) });
          return 'taken';
        },
      ]),
    ),
    // The first start's walkthrough: whether its first step is on screen as the window shows it,
    // then (opened again if VS Code's own walkthrough took the Welcome editor) its picture.
    'screenshot-walkthrough': async () => {
      const step = page.locator('[data-step-id$="#createWallet"]');
      const visible = () =>
        step.waitFor({ state: 'visible', timeout: 10_000 }).then(
          () => true,
          () => false,
        );
      const onStart = await visible();
      for (let attempt = 1; !(await visible()); attempt++) {
        if (attempt > 3) throw new Error('the walkthrough did not show its first step');
        await runCommand(page, 'Orange Cloud: Open Setup Walkthrough');
      }
      await page.screenshot({ path: join(extensionDir, 'media/walkthrough.png') });
      return { onStart };
    },
    // The walkthrough's "Authorize payments" step, done as a user does it: the Command
    // Palette, the allowance input box (default kept), then the modal's Authorize button.
    // VS Code refuses modal dialogs in a window that runs extension tests, so this happens
    // in a second, ordinary window of the same code-server: same settings, same extension,
    // same secret storage (the browser's), hence the same wallet.
    'authorize-payments': async () => {
      const user = await page.context().newPage();
      try {
        await user.goto(windowUrl);
        await runCommand(user, 'Orange Cloud: Open Setup Walkthrough');
        const step = user.locator('[data-step-id$="#authorizePayments"]');
        await step.waitFor({ state: 'visible', timeout: 30_000 });
        const stepDoneBefore = (await step.getAttribute('aria-checked')) === 'true';
        await runCommand(user, 'Orange Cloud: Authorize Payments');
        const quickInput = user.locator('.quick-input-widget');
        await quickInput
          .locator('.quick-input-title', { hasText: 'payment allowance' })
          .waitFor({ state: 'visible', timeout: 60_000 });
        const allowance = await quickInput.locator('input').inputValue();
        await user.keyboard.press('Enter');
        const dialog = user.locator('.monaco-dialog-box');
        await dialog.waitFor({ state: 'visible', timeout: 30_000 });
        const dialogText = await dialog.innerText();
        await dialog.locator('.monaco-button', { hasText: /^Authorize$/ }).click();
        // The confirmation comes once the transaction is mined.
        await user
          .locator('.notification-toast', { hasText: 'Payments authorized' })
          .waitFor({ state: 'visible', timeout: 60_000 });
        // Drawn afresh from the walkthrough's stored progress, not from the page as it was.
        await runCommand(user, 'Orange Cloud: Open Setup Walkthrough');
        const stepDoneAfter = await user
          .locator('[data-step-id$="#authorizePayments"][aria-checked="true"]')
          .waitFor({ state: 'visible', timeout: 10_000 })
          .then(
            () => true,
            () => false,
          );
        return { stepDoneBefore, allowance, dialogText, stepDoneAfter };
      } catch (error) {
        await user.screenshot({ path: join(e2eDir, 'authorize-payments-window.png') });
        throw error;
      } finally {
        await user.close();
      }
    },
    // The editor title's run buttons as a user sees them: label, icon and the tooltip shown
    // on hover, and whether Run with Options, once used, took the primary button's place.
    'run-buttons': async () => {
      const actions = page.locator('.editor-group-container.active .editor-actions');
      const primary = actions
        .locator('a.action-label[aria-label^="Run on Orange Cloud"]:not([aria-label*="Options"])')
        .first();
      await primary.waitFor({ state: 'visible', timeout: 30_000 });
      const label = await primary.getAttribute('aria-label');
      const icon = await primary.evaluate((el) => {
        const style = getComputedStyle(el);
        return `${style.backgroundImage} ${style.maskImage ?? ''} ${style.webkitMaskImage ?? ''}`;
      });
      await primary.hover();
      const hover = page
        .locator('.workbench-hover, .monaco-hover')
        .filter({ hasText: 'Orange Cloud' });
      const tooltip = await hover
        .first()
        .innerText({ timeout: 10_000 })
        .catch(() => '');
      await page.mouse.move(0, 0);
      const labels = await actions
        .locator('a.action-label[aria-label]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
      return { label, icon, tooltip, labels };
    },
    // Share Compute from its walkthrough step, as a user does it: the step's button, then the
    // form (1 core, 512 MB, a price below the devnet provider's so that the market range shows
    // it, every runtime present). Quick picks work in the test window; no modal is involved.
    'share-from-walkthrough': async () => {
      const step = page.locator('[data-step-id$="#shareCompute"]');
      // The first Welcome page of a window may show VS Code's own walkthrough instead: ask again.
      for (let attempt = 1; ; attempt++) {
        await runCommand(page, 'Orange Cloud: Open Setup Walkthrough');
        const shown = await step.waitFor({ state: 'visible', timeout: 10_000 }).then(
          () => true,
          () => false,
        );
        if (shown) break;
        if (attempt === 3) throw new Error('the walkthrough did not show its Share Compute step');
      }
      await step.click();
      await step
        .locator(':is(button, a, .monaco-button)', { hasText: 'Share Compute…' })
        .first()
        .click();
      const quickInput = page.locator('.quick-input-widget');
      const waitForStep = (title) =>
        quickInput
          .locator('.quick-input-title', { hasText: title })
          .waitFor({ state: 'visible', timeout: 60_000 });
      await waitForStep('CPU cores');
      await quickInput
        .locator('.monaco-list-row', { hasText: /^1 core/ })
        .first()
        .click();
      // Types an answer into the step titled `title` and confirms it. An Enter that arrives
      // while the box still checks what was typed can be lost (seen once in CI: the memory step
      // stayed up with 512 in it), so while that step is still up, the answer is given again.
      const answer = async (value, title, nextTitle) => {
        const input = quickInput
          .filter({ has: page.locator('.quick-input-title', { hasText: title }) })
          .locator('input');
        const next = quickInput.locator('.quick-input-title', { hasText: nextTitle });
        for (let attempt = 1; attempt <= 3; attempt++) {
          const typed = await input.fill(value, { timeout: 5_000 }).then(
            () => true,
            () => false,
          );
          if (typed) await input.press('Enter', { timeout: 5_000 }).catch(() => undefined);
          const moved = await next.waitFor({ state: 'visible', timeout: 10_000 }).then(
            () => true,
            () => false,
          );
          if (moved) return;
        }
        throw new Error(`answering ${value} to "${title}" did not lead to "${nextTitle}"`);
      };
      await waitForStep('memory in MB');
      await answer('512', 'memory in MB', 'price per core-second');
      const pricePrompt = await quickInput.locator('.quick-input-message').innerText();
      await answer('0.0000005', 'price per core-second', 'runtimes');
      await page.keyboard.press('Enter');
      // Asked only where a systemd user instance could keep the daemon running.
      const keep = quickInput.locator('.quick-input-title', { hasText: 'when VS Code closes' });
      if (
        await keep.waitFor({ state: 'visible', timeout: 3_000 }).then(
          () => true,
          () => false,
        )
      ) {
        await quickInput.locator('.monaco-list-row', { hasText: 'Stop with VS Code' }).click();
      }
      await runCommand(page, 'View: Close Editor');
      return { pricePrompt };
    },
  };
}

/**
 * Runs one requested action and writes `<name>.json` ({ ok, value } or { ok: false, error }).
 * A failed action leaves a picture of the page in .e2e/ to show what was in the way.
 */
async function answer(page, harnessDir, name, action) {
  let reply;
  try {
    if (!action) throw new Error(`no such harness action: ${name}`);
    reply = { ok: true, value: await action() };
    log(`${name}: done`);
  } catch (error) {
    reply = { ok: false, error: String(error?.stack ?? error) };
    log(`${name}: failed: ${error}`);
    const picture = join(e2eDir, `${name}-failed.png`);
    await page.screenshot({ path: picture }).then(
      () => log(`the page at that moment: ${picture}`),
      () => undefined,
    );
  }
  // Written whole, then renamed: the test polls for the file and must never read half of it.
  const file = join(harnessDir, `${name}.json`);
  await writeFile(`${file}.tmp`, JSON.stringify(reply));
  await rename(`${file}.tmp`, file);
}

async function main() {
  const cleanups = [];
  let exitCode = 1;
  try {
    run('bash', [join(extensionDir, 'scripts/install-code-server.sh')]);
    run('npm', ['run', 'package'], { cwd: extensionDir });

    const runDir = await mkdtemp(join(tmpdir(), 'orange-e2e-'));
    cleanups.push(() => rm(runDir, { recursive: true, force: true }));
    const home = join(runDir, 'orange-home');
    const workspace = await e2eWorkspace(runDir);
    const user = join(runDir, 'user');
    const extensions = join(runDir, 'extensions');
    await mkdir(join(user, 'User'), { recursive: true });
    // No Welcome page at start-up: in a second window it would replace the walkthrough the
    // harness opened (the test window skips it through its payload). No auto-save (VS Code
    // for the Web saves after a second by default): the suite runs unsaved edits.
    await writeFile(
      join(user, 'User/settings.json'),
      JSON.stringify({ 'workbench.startupEditor': 'none', 'files.autoSave': 'off' }),
    );
    const config = join(runDir, 'config.yaml');
    await writeFile(config, 'auth: none\ncert: false\n');
    // The suite's requests are answered with a file each in this directory (see uiActions).
    const harnessDir = join(runDir, 'harness');
    await mkdir(harnessDir);
    // ORANGE_E2E_REPO: the suite posts a job with the repository's CLI from another wallet.
    const env = {
      ...process.env,
      ORANGE_HOME: home,
      ORANGE_E2E_HARNESS_DIR: harnessDir,
      ORANGE_E2E_REPO: repo,
      // Figures the suite measures inside code-server, for `npm run bench`.
      ORANGE_E2E_FIGURES: join(e2eDir, 'figures.json'),
    };

    run(process.execPath, [
      codeServer,
      '--extensions-dir',
      extensions,
      '--user-data-dir',
      user,
      '--config',
      config,
      '--install-extension',
      join(extensionDir, 'dist/orange-cloud.vsix'),
    ]);
    const driverDir = join(e2eDir, 'driver');
    await buildTestDriver(driverDir);

    cleanups.push(() =>
      spawnSync('npx', ['orange', 'devnet', 'down'], { cwd: repo, env, stdio: 'inherit' }),
    );
    run('npx', ['orange', 'devnet', 'up', '--json'], { cwd: repo, env });

    const port = await freePort();
    const server = spawn(
      process.execPath,
      [
        codeServer,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-workspace-trust',
        '--disable-telemetry',
        '--user-data-dir',
        user,
        '--extensions-dir',
        extensions,
        '--config',
        config,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const serverLog = [];
    server.stdout.on('data', (d) => serverLog.push(String(d)));
    server.stderr.on('data', (d) => serverLog.push(String(d)));
    cleanups.push(async () => {
      if (server.exitCode === null) {
        server.kill('SIGTERM');
        await new Promise((resolve) => server.once('exit', resolve));
      }
    });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, server);

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    cleanups.push(() => browser.close());
    // One context for every window: they share the browser's storage, as a user's tabs do.
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page = await context.newPage();
    let resolveExit;
    const exited = new Promise((resolve) => (resolveExit = resolve));
    const windowUrl = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
    const screenshotTmp = join(runDir, 'screenshot.png');
    const actions = uiActions(page, windowUrl, screenshotTmp);
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      // The extension host forwards console calls as printf-style arguments.
      const text = format(...(Array.isArray(args) ? args : [args]));
      const request = /^orange-e2e:([\w-]+)$/.exec(text.trim());
      if (request) return answer(page, harnessDir, request[1], actions[request[1]]);
      process.stdout.write(`${text}\n`);
    });
    await page.exposeFunction('codeAutomationExit', async (code) => {
      // Only a passing run replaces the README's picture.
      if (code === 0 && existsSync(screenshotTmp)) {
        await copyFile(screenshotTmp, join(extensionDir, 'media/screenshot.png'));
        log('screenshot written to media/screenshot.png');
      }
      resolveExit(code);
    });
    const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(driverDir)],
      ['extensionTestsPath', remote(join(driverDir, 'out/index.cjs'))],
      ['skipWelcome', 'true'],
    ];
    await page.goto(`${windowUrl}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeout = new Promise((resolve) =>
      setTimeout(() => {
        log(`the suite did not finish within ${SUITE_LIMIT_MS / 60_000} min`);
        resolve(1);
      }, SUITE_LIMIT_MS).unref(),
    );
    exitCode = await Promise.race([exited, timeout]);
    if (exitCode !== 0) log(`code-server log:\n${serverLog.join('').slice(-6000)}`);
  } catch (error) {
    log(String(error?.stack ?? error));
    exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`cleanup: ${error}`);
      }
    }
  }
  log(exitCode === 0 ? 'passed' : `failed (${exitCode})`);
  process.exit(exitCode);
}

await main();
