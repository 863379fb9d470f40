import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { throwError, type Observable } from 'rxjs';
import { isBackendUnavailable } from '@app/messaging';
import { DomainProblem, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, type ProblemDetails } from './problem.js';

/** Seconds a client is told to wait (Retry-After) when a backing service is briefly unreachable. */
const RETRY_AFTER_SECONDS = 5;

const codeFor = (status: number): string =>
  (HttpStatus[status] as string | undefined)?.toLowerCase().replace(/_/g, '-') ?? 'error';

function fromHttpException(error: HttpException): ProblemDetails {
  const status = error.getStatus();
  const body = error.getResponse();
  const code = codeFor(status);
  const problem: ProblemDetails = { type: PROBLEM_TYPE_BASE + code, title: error.message, status, code };
  if (error instanceof BadRequestException && typeof body === 'object') {
    const messages = (body as { message?: unknown }).message;
    if (Array.isArray(messages)) {
      problem.title = 'Invalid request';
      problem.code = 'validation-failed';
      problem.type = PROBLEM_TYPE_BASE + problem.code;
      problem.errors = messages.map((m) => {
        const text = String(m);
        return { field: text.split(' ')[0] ?? '', message: text };
      });
    } else if (typeof messages === 'string') {
      problem.detail = messages;
    }
  }
  const checks = typeof body === 'object' ? (body as { details?: unknown }).details : undefined;
  if (status === 503 && checks && typeof checks === 'object') {
    problem.checks = checks as Record<string, unknown>;
  }
  return problem;
}

/**
 * Turns every HTTP error into RFC 9457 problem+json and never leaks a stack trace or SQL. On the Kafka side it
 * hands the original error back, so the messaging layer can decide between retry and dead-letter.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() !== 'http') {
      return throwError(() => exception);
    }
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<Request>();
    const response = ctx.getResponse<Response>();
    let problem: ProblemDetails;
    if (exception instanceof DomainProblem) {
      problem = {
        type: PROBLEM_TYPE_BASE + exception.code,
        title: exception.title,
        status: exception.status,
        code: exception.code,
        detail: exception.detail,
      };
      if (exception.retryAfterSeconds !== undefined) {
        response.setHeader('Retry-After', String(exception.retryAfterSeconds));
      }
    } else if (exception instanceof HttpException) {
      problem = fromHttpException(exception);
    } else if (isBodyParserError(exception)) {
      problem = {
        type: PROBLEM_TYPE_BASE + exception.type.replace(/\./g, '-'),
        title: exception.expose ? exception.message : 'Invalid request body',
        status: exception.status,
        code: exception.type.replace(/\./g, '-'),
      };
    } else if (isBackendUnavailable(exception)) {
      // A database or broker restart: the same request works again shortly (orders: with its Idempotency-Key).
      this.logger.warn(`${request.method} ${request.path}: ${(exception as Error).message}`);
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      problem = {
        type: PROBLEM_TYPE_BASE + 'service-unavailable',
        title: 'Service temporarily unavailable',
        status: 503,
        code: 'service-unavailable',
        detail: `A backing service is not reachable; retry in ${RETRY_AFTER_SECONDS} seconds.`,
      };
    } else {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
      problem = {
        type: PROBLEM_TYPE_BASE + 'internal-error',
        title: 'Internal server error',
        status: 500,
        code: 'internal-error',
      };
    }
    problem.instance = request.originalUrl;
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}

interface BodyParserError {
  type: string;
  status: number;
  expose: boolean;
  message: string;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as BodyParserError).type === 'string' &&
    typeof (e as BodyParserError).status === 'number'
  );
}
