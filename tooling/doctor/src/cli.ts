#!/usr/bin/env node
import { ConfigError, formatTable, loadConfig, runDoctor, USAGE } from './doctor.js';

try {
  const config = loadConfig(process.argv.slice(2), process.env);
  if (config === 'help') {
    console.log(USAGE);
  } else {
    const report = await runDoctor(config);
    console.log(
      config.json
        ? JSON.stringify(report, null, 2)
        : formatTable(report, process.stdout.isTTY === true),
    );
    process.exitCode = report.ok ? 0 : 1;
  }
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`doctor: ${err.message}`);
  process.exitCode = 2;
}
