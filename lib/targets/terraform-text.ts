// Text a target writes into a Terraform string attribute (user-data, a manifest's body).

/**
 * Text as a Terraform string: in Terraform's JSON syntax every string is a template, so a literal `${` or `%{`
 * (shell, a user's option) is written `$${` / `%%{`. cdktf's token markers (`${TfToken[...]}`, an address from another
 * resource) stay: they become the expressions they stand for.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, "$$${").replace(/%\{/g, "%%{");
}

/** What Terraform makes of a `terraformLiteral` string (for readers of the synthesized JSON: the labs, tests). */
export function fromTerraformLiteral(text: string): string {
  return text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}
