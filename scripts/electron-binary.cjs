// Whether Electron's binary is installed, without require('electron'): that would try to download it.
const fs = require('node:fs');
const path = require('node:path');

function electronBinary() {
  const dir = path.join(__dirname, '..', 'node_modules', 'electron');
  try {
    const rel = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const bin = path.join(dir, 'dist', rel);
    return fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

module.exports = { electronBinary };
