import { Controller } from '@nestjs/common';
import { operatorTrailListener } from './operator-trail.listener.js';

/** Adds an operator lifting a service’s suspension to the operators' trail. */
@Controller()
export class ServiceUnsuspendRequestedListener extends operatorTrailListener('service.unsuspend_requested') {}
