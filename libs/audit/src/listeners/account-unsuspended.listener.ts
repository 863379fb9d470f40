import { Controller } from '@nestjs/common';
import { operatorTrailListener } from './operator-trail.listener.js';

/** Adds an operator lifting an account’s suspension to the operators' trail. */
@Controller()
export class AccountUnsuspendedListener extends operatorTrailListener('account.unsuspended') {}
