import type { Server } from 'node:http';
import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import helmet from 'helmet';
import request from 'supertest';

/** One module's controllers behind helmet, as the apps serve them: for the specs of the pages the apps serve. */
export async function pageApp(
  module: Type,
): Promise<{ http: () => ReturnType<typeof request>; close: () => Promise<void> }> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: false });
  app.use(helmet());
  await app.init();
  return { http: () => request(app.getHttpServer() as Server), close: () => app.close() };
}

/** A page under a strict CSP: no inline script, handler or style, nothing loaded from another origin. */
export function expectCodeOutOfMarkup(html: string): void {
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/\sstyle\s*=|<style/i);
  expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//i);
}

/** A page's script that puts data into the page only as text. */
export function expectMarkupOutOfScript(script: string): void {
  expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
}
