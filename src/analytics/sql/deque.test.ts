import { describe, expect, it } from "vitest";
import { Deque } from "./deque.js";

describe("Deque", () => {
  it("works as a queue and a stack across compactions", () => {
    const d = new Deque<number>();
    const model: number[] = [];
    let x = 1;
    for (let i = 0; i < 10_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const op = x % 5;
      if (op < 2) {
        d.push(i);
        model.push(i);
      } else if (op === 2) expect(d.shift()).toBe(model.shift());
      else if (op === 3) expect(d.pop()).toBe(model.pop());
      else {
        expect(d.first()).toBe(model[0]);
        expect(d.last()).toBe(model[model.length - 1]);
        expect(d.at(1)).toBe(model[1]);
      }
      expect(d.length).toBe(model.length);
    }
    expect([...d]).toEqual(model);
  });
});
