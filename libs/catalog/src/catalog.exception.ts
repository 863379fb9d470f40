import { problemsOf } from '@app/platform';

export enum CatalogErrorCode {
  PlanCodeTaken = 'plan-code-taken',
  PlanNotFound = 'plan-not-found',
  UnknownRegion = 'unknown-region',
  UnknownImage = 'unknown-image',
  DuplicatePrice = 'duplicate-price',
}

const STATUS: Record<CatalogErrorCode, [number, string]> = {
  [CatalogErrorCode.PlanCodeTaken]: [409, 'A plan with this code exists'],
  [CatalogErrorCode.PlanNotFound]: [404, 'No such plan'],
  [CatalogErrorCode.UnknownRegion]: [422, 'The plan names a region the catalog does not have'],
  [CatalogErrorCode.UnknownImage]: [422, 'The plan names an image none of its regions offers'],
  [CatalogErrorCode.DuplicatePrice]: [422, 'Two prices for the same billing cycle and currency'],
};

export class CatalogException extends problemsOf(STATUS) {}
