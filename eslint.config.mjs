// Lint: typescript-eslint's recommended rules, plus the project's own conventions.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "bin/", "build/", "plan-output/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Components create resources for their side effects (`new aws.x.Y(...)` without assignment).
      "no-new": "off",
      "eqeqeq": ["error", "always"],
      // Constructors read as an outline of inner createX() steps sharing `const parent = this` (STYLE.md).
      "@typescript-eslint/no-this-alias": ["error", { allowedNames: ["parent"] }],
    },
  },
);
