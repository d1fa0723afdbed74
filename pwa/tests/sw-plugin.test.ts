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

  it('precaches_the_counselor_screens_imported_dynamically_and_leaves_the_staff_areas_lazy', () => {
    const bundle = {
      'assets/index.js': chunk('assets/index.js', {
        isEntry: true,
        dynamicImports: ['assets/ClientPage.js', 'assets/ReviewQueue.js'],
      }),
      'assets/ClientPage.js': chunk('assets/ClientPage.js', {
        facadeModuleId: '/app/src/client/views/ClientPage.tsx',
        imports: ['assets/common.js'],
        viteMetadata: { importedCss: new Set(['assets/client.css']) },
      }),
      'assets/common.js': chunk('assets/common.js'),
      'assets/ReviewQueue.js': chunk('assets/ReviewQueue.js', {
        facadeModuleId: '/app/src/client/views/supervisor/ReviewQueue.tsx',
        imports: ['assets/common.js', 'assets/staff.js'],
        dynamicImports: ['assets/charts.js'],
      }),
      'assets/staff.js': chunk('assets/staff.js'),
      'assets/charts.js': chunk('assets/charts.js', {
        facadeModuleId: '/app/src/client/views/supervisor/charts.ts',
      }),
      'assets/client.css': { type: 'asset' as const, fileName: 'assets/client.css' },
    };
    expect([...lazyFiles(bundle, /\/views\/supervisor\//)].sort()).toEqual([
      '/assets/ReviewQueue.js',
      '/assets/charts.js',
      '/assets/staff.js',
    ]);
    // Without a staff rule every chunk the entry may load is precached.
    expect([...lazyFiles(bundle)]).toEqual([]);
  });
});
