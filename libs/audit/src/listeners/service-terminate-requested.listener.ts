import { Controller } from '@nestjs/common';
import { operatorTrailListener } from './operator-trail.listener.js';

/** Adds an operator’s termination of a service to the operators' trail. */
@Controller()
export class ServiceTerminateRequestedListener extends operatorTrailListener('service.terminate_requested') {}
