import { describe, expect, it } from 'vitest';
import { lazyFiles } from '../build/sw-plugin';

const chunk = (fileName: string, extra: Record<string, unknown> = {}) => ({
  type: 'chunk' as const,
  fileName,
  imports: [] as string[],
  viteMetadata: { importedCss: new Set<string>() },
  ...extra,
});

describe('lazyFiles', () => {
  it('leaves_out_of_the_shell_only_what_the_entry_never_imports_statically', () => {
    const bundle = {
      'assets/index.js': chunk('assets/index.js', {
        isEntry: true,
        imports: ['assets/vendor.js'],
        viteMetadata: { importedCss: new Set(['assets/index.css']) },
      }),
      'assets/vendor.js': chunk('assets/vendor.js'),
      'assets/Figures.js': chunk('assets/Figures.js', {
        imports: ['assets/charts.js', 'assets/vendor.js'],
        viteMetadata: { importedCss: new Set(['assets/staff.css']) },
      }),
      'assets/charts.js': chunk('assets/charts.js'),
      'assets/index.css': { type: 'asset' as const, fileName: 'assets/index.css' },
      'assets/staff.css': { type: 'asset' as const, fileName: 'assets/staff.css' },
      'icons/icon.png': { type: 'asset' as const, fileName: 'icons/icon.png' },
    };
    expect([...lazyFiles(bundle)].sort()).toEqual([
      '/assets/Figures.js',
      '/assets/charts.js',
      '/assets/staff.css',
    ]);
  });
});
