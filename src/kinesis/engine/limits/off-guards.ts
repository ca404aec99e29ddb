import type { StreamRuntime } from "../stream-runtime.js";
import type { ShardWriteMeter } from "../scaling/write-meter.js";
import type { EngineGuards, WriteGate } from "./engine-guards.js";

/**
 * No limits (`--limits off`, the default). Writes to provisioned streams get no gate at all, so the
 * write path does no per-entry work; on-demand streams are metered (their scaling needs the rates).
 */
export class OffGuards implements EngineGuards {
  readonly mode = "off" as const;
  private readonly meteringGate: WriteGate;

  constructor(meter: ShardWriteMeter) {
    this.meteringGate = {
      admit(shard, bytes) {
        meter.add(shard, bytes);
        return undefined;
      },
    };
  }

  writeGate(stream: StreamRuntime): WriteGate | undefined {
    return stream.meta.mode === "ON_DEMAND" ? this.meteringGate : undefined;
  }

  admitGetRecords(): undefined {
    return undefined;
  }
  admitGetShardIterator(): void {}
  admitSubscribe(): void {}
  subscriptionPacer(): undefined {
    return undefined;
  }
  admitCall(): void {}
  checkCreateStream(): void {}
  checkRegisterConsumer(): void {}
  checkUpdateShardCount(): void {}
  checkModeSwitch(): void {}
}
