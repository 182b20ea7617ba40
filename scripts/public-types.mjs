#!/usr/bin/env node
/**
 * @file Lists the named types that the public signatures of an entry point use but that neither the
 * entry point nor `@tapeflow/tensor-core/backend` (where the Backend contract's own types live)
 * exports: a user could not name them in their own code. Public signatures: every exported
 * function, class (its non-private, non-`@internal` members), interface and type alias, followed
 * through the types they mention. Reads the sources through the `@tapeflow/source` condition.
 *
 * Usage: node scripts/public-types.mjs [entry.ts]   (default: packages/tapeflow/src/index.ts)
 * Prints one JSON line: { entry, missing: [{ type, usedBy }] }. Exit code 0; the test asserts.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The missing types of `entry`, each with one public name that uses it. */
export function missingPublicTypes(entry) {
  const backendEntry = resolve(root, 'packages/tensor-core/src/backend-api.ts');
  const configPath = resolve(root, 'packages/tapeflow/tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic() {} },
  );
  const program = ts.createProgram([entry, backendEntry], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry));
  const resolveAlias = (s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const exported = new Set();
  const queue = [];
  const backendModule = checker.getSymbolAtLocation(program.getSourceFile(backendEntry));
  const backendTypes = new Set(checker.getExportsOfModule(backendModule).map(resolveAlias));
  for (const s of checker.getExportsOfModule(moduleSymbol)) {
    const target = resolveAlias(s);
    exported.add(target);
    queue.push([target, s.name]);
    if (target.flags & ts.SymbolFlags.Module) {
      for (const member of checker.getExportsOfModule(target)) {
        const t = resolveAlias(member);
        exported.add(t);
        queue.push([t, `${s.name}.${member.name}`]);
      }
    }
  }
  const isInternal = (node) =>
    ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal') ||
    /@internal/.test(node.getFullText().slice(0, node.getLeadingTriviaWidth()));
  const isOurs = (decl) => /\/packages\/[^/]+\/src\//.test(decl.getSourceFile().fileName);
  const missing = new Map();
  const seen = new Set();
  const visitTypeNode = (node, usedBy) => {
    if (!node) return;
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const at = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      let symbol = checker.getSymbolAtLocation(at);
      if (symbol) {
        symbol = resolveAlias(symbol);
        const decl = symbol.declarations?.[0];
        const named =
          symbol.flags &
          (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class | ts.SymbolFlags.Enum);
        if (decl && named && isOurs(decl) && !ts.isTypeParameterDeclaration(decl)) {
          // A type the backend subpath exports is that subpath's to describe: its members are not followed.
          if (backendTypes.has(symbol)) return;
          if (!exported.has(symbol) && !missing.has(symbol.name)) missing.set(symbol.name, usedBy);
          queue.push([symbol, `${usedBy} > ${symbol.name}`]);
        }
      }
    }
    ts.forEachChild(node, (child) => visitTypeNode(child, usedBy));
  };
  const visitDeclaration = (decl, usedBy) => {
    if (!decl || !isOurs(decl)) return;
    if (ts.isClassDeclaration(decl) || ts.isInterfaceDeclaration(decl)) {
      decl.heritageClauses?.forEach((h) => h.types.forEach((t) => visitTypeNode(t, usedBy)));
      decl.typeParameters?.forEach((p) => visitTypeNode(p, usedBy));
      for (const member of decl.members) {
        const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
        if (modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword))
          continue;
        if (member.name && ts.isPrivateIdentifier(member.name)) continue;
        if (isInternal(member)) continue;
        const memberName = member.name && ts.isIdentifier(member.name) ? member.name.text : 'member';
        visitSignature(member, `${usedBy}.${memberName}`);
      }
    } else if (ts.isTypeAliasDeclaration(decl)) {
      decl.typeParameters?.forEach((p) => visitTypeNode(p, usedBy));
      visitTypeNode(decl.type, usedBy);
    } else if (ts.isFunctionDeclaration(decl)) {
      visitSignature(decl, usedBy);
    } else if (ts.isVariableDeclaration(decl)) {
      visitTypeNode(decl.type, usedBy);
    }
  };
  const visitSignature = (node, usedBy) => {
    node.typeParameters?.forEach((p) => visitTypeNode(p, usedBy));
    node.parameters?.forEach((p) => visitTypeNode(p.type, usedBy));
    visitTypeNode(node.type, usedBy);
  };
  while (queue.length > 0) {
    const [symbol, usedBy] = queue.shift();
    if (seen.has(symbol)) continue;
    seen.add(symbol);
    for (const decl of symbol.declarations ?? []) {
      if (isInternal(decl)) continue;
      visitDeclaration(decl, usedBy);
    }
  }
  return [...missing].map(([type, usedBy]) => ({ type, usedBy })).sort((a, b) => a.type.localeCompare(b.type));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entry = resolve(process.argv[2] ?? resolve(root, 'packages/tapeflow/src/index.ts'));
  process.stdout.write(`${JSON.stringify({ entry, missing: missingPublicTypes(entry) })}\n`);
}
