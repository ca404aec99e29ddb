import { readFileSync } from "node:fs";
import { startTributary } from "../app.js";
import { ConfigError, configHelp, loadConfig } from "../core/config.js";
import { runFaultsCommand } from "../kinesis/admin/faults-cli.js";
import { startMemoryReportFromEnv } from "./memory-report.js";

const USAGE = `Usage: tributary <command> [flags]

Commands:
  serve        run the server (what \`npm start\` runs)
  help         show this help
  version      print the version
  faults       set, clear or show fault injection on a running server (tributary faults help)

Flags of \`serve\` (each also settable by the environment variable shown):
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

async function serve(argv: string[]): Promise<void> {
  const config = loadConfig(argv);
  const running = await startTributary(config);
  startMemoryReportFromEnv((line) => process.stderr.write(line));
  const where = config.storage === "file" ? `data in ${config.dataDir}` : "data in memory (lost on exit)";
  process.stdout.write(`Tributary ${version()} listening on ${running.endpoint} (${where}). Ctrl-C stops it.\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Stopping (${signal})...\n`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

export async function main(argv: string[]): Promise<void> {
  const [command = "serve", ...rest] = argv;
  try {
    switch (command) {
      case "serve":
        await serve(rest);
        return;
      case "faults":
        process.exitCode = await runFaultsCommand(rest, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
        return;
      case "version":
      case "--version":
        process.stdout.write(`${version()}\n`);
        return;
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(USAGE + configHelp() + "\n");
        return;
      default:
        if (command.startsWith("--")) {
          await serve(argv);
          return;
        }
        process.stderr.write(`tributary: unknown command ${JSON.stringify(command)}\n\n${USAGE}${configHelp()}\n`);
        process.exitCode = 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`tributary: ${error.message}\nRun \`tributary help\` for the flags.\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
