/** @file Build of this package: the libraries' shared build (../../tsup.shared.ts). */
import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared.js';

export default defineConfig(libraryBuild());
