import { BUILD_STEPS, FIRST_STEP, nextStep, percentAt } from './build.state.js';

describe('build steps', () => {
  it('walks the five steps in order and ends after booting', () => {
    const walked = [FIRST_STEP];
    for (let step = nextStep(FIRST_STEP); step; step = nextStep(step)) {
      walked.push(step);
    }
    expect(walked).toEqual([
      'allocating',
      'creating_disk',
      'installing_image',
      'configuring_network',
      'booting',
    ]);
    expect(nextStep('booting')).toBeUndefined();
  });

  it('moves the progress bar strictly forward, short of 100 until completion', () => {
    const percents = BUILD_STEPS.map(percentAt);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(new Set(percents).size).toBe(percents.length);
    expect(Math.min(...percents)).toBeGreaterThan(0);
    expect(Math.max(...percents)).toBeLessThan(100);
  });
});
