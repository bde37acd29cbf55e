// typescript-eslint's recommended and type-checked rules, Prettier for the formatting (eslint-config-prettier turns
// off the rules it owns). `npm run lint` fails on any warning.
import eslint from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "cdktf.out/",
      "bench/.out/",
      "lab/.work/",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
      "**/*.d.ts",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    // Tests, labs, the bench and the tools read untyped documents: synthesized cdk.tf.json, the lab client's JSON
    // answers, jsii assemblies. `any` is what JSON.parse gives them; the library itself (lib/) stays fully checked.
    files: ["test/**/*.ts", "lab/**/*.ts", "bench/**/*.ts", "tools/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  prettier,
);
