/** Input validation generated from the AWS API models; see compile-input-validator.ts. */
export { compileInputValidator, validationMessage, type InputValidator } from "./compile-input-validator.js";
export { defineOperation, type OperationImpl } from "./define-operation.js";
export type { ShapeTable, Shape } from "./shape-table.js";
