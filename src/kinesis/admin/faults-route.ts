import type { Clock } from "../../core/clock.js";
import type { ExtraRoute, RouteResponse } from "../../server/server.js";
import { kinesisShapes } from "../api/generated/shapes.js";
import { FaultInjector } from "./fault-injector.js";
import { FaultSettingsError, parseFaultSettings, type FaultSettings } from "./fault-settings.js";

/** Where the fault-injection admin endpoint listens, beside the AWS protocols on the same port. */
export const FAULTS_PATH = "/_tributary/faults";

/** Every Kinesis operation name, so that settings naming an unknown one are refused. */
export const KINESIS_OPERATION_NAMES: ReadonlySet<string> = new Set(Object.keys(kinesisShapes.operations));

export function parseKinesisFaultSettings(value: unknown): FaultSettings {
  return parseFaultSettings(value, KINESIS_OPERATION_NAMES);
}

/** The injector a server starts with: `--faults` JSON (already known to parse) or none. */
export function faultInjectorFromConfig(faultsJson: string | undefined, clock: Clock): FaultInjector {
  return new FaultInjector(clock, faultsJson === undefined ? undefined : parseKinesisFaultSettings(JSON.parse(faultsJson)));
}

const json = (status: number, value: unknown): RouteResponse => ({
  status,
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(value),
});

/**
 * `GET /_tributary/faults` shows the settings, `PUT` replaces them (a JSON body as `--faults` takes),
 * `DELETE` clears them. Answers are the settings in force afterwards; invalid settings get 400.
 */
export function faultsRoutes(faults: FaultInjector): ExtraRoute[] {
  return [
    { method: "GET", path: FAULTS_PATH, handle: () => json(200, faults.settings) },
    {
      method: "PUT",
      path: FAULTS_PATH,
      handle(request) {
        let settings: FaultSettings;
        try {
          settings = parseKinesisFaultSettings(JSON.parse(request.body.toString("utf8")));
        } catch (error) {
          if (error instanceof SyntaxError) return json(400, { message: `body is not JSON: ${error.message}` });
          if (error instanceof FaultSettingsError) return json(400, { message: error.message });
          throw error;
        }
        faults.set(settings);
        return json(200, faults.settings);
      },
    },
    {
      method: "DELETE",
      path: FAULTS_PATH,
      handle() {
        faults.clear();
        return json(200, faults.settings);
      },
    },
  ];
}
