#!/usr/bin/env node
// Renders resources/*.svg to the PNGs the app and the installers use (`npm run icons`), with Debian's
// Chromium (or CHROMIUM_PATH) through Playwright: no image toolchain to install, and Chromium's SVG
// rendering is the one the renderer already trusts. The PNGs are committed; rerun after editing an SVG.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const res = (...p) => path.join(root, 'resources', ...p);

/** [source svg, size in px, output png] */
function renders() {
  const list = [];
  // Below 48 px the full mark turns to mush: the small variant has fewer, thicker shapes.
  for (const n of [16, 32, 48, 64, 128, 256, 512, 1024]) list.push([res(n <= 32 ? 'icon-small.svg' : 'icon.svg'), n, res('icons', `${n}x${n}.png`)]);
  // Tray: a template image for macOS's menu bar, the coloured small mark for Windows and Linux; @2x for HiDPI.
  list.push([res('tray', 'trayTemplate.svg'), 16, res('tray', 'trayTemplate.png')]);
  list.push([res('tray', 'trayTemplate.svg'), 32, res('tray', 'trayTemplate@2x.png')]);
  list.push([res('icon-small.svg'), 16, res('tray', 'tray.png')]);
  list.push([res('icon-small.svg'), 32, res('tray', 'tray@2x.png')]);
  return list;
}

async function main() {
  const { chromium } = require('@playwright/test');
  const launch = require('../e2e/chromium.json');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? launch.executablePath, args: launch.args });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    for (const [svg, size, out] of renders()) {
      const data = fs.readFileSync(svg).toString('base64');
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<html><body style="margin:0;background:transparent"><img style="display:block" width="${size}" height="${size}" src="data:image/svg+xml;base64,${data}"></body></html>`,
      );
      await page.locator('img').evaluate((img) => img.decode());
      fs.mkdirSync(path.dirname(out), { recursive: true });
      await page.screenshot({ path: out, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
      console.log(`${path.relative(root, out)}  ${size}x${size}`);
    }
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}

module.exports = { renders };
