import { runBackendSuite } from "../backend-suite.js";
import { createMemoryBackend } from "./memory-backend.js";

runBackendSuite({
  name: "memory",
  open: () => Promise.resolve({ backend: createMemoryBackend(), cleanup: () => Promise.resolve() }),
});
